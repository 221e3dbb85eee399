"""From the four-cell report to the product manager's CSV: a fan reports on a phone in Chinese; the
window closes and the tick freezes it; the award appears; a product manager reads the summary,
filters the comments and downloads both CSV files."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from feedback import reports, tasks
from feedback.models import ReleaseTally, Report
from feedback.tests.reporting import items_of, published_release, upcoming_idea
from ideas.tests.factories import make_pm
from releases.tests.factories import make_engineer
from tests.browser.steps import assert_fits_the_phone, sign_in, sign_out

WHY = "农历锁屏太实用了"


@pytest.fixture
def phone_locale():
    return "zh-CN"


def test_a_fans_report_reaches_the_award_and_the_product_managers_csv(live_server, phone, settings):
    settings.VOTING_AWARD_MIN_REPORTS = 3
    base = live_server.url
    published = timezone.now() - timedelta(hours=2)  # its window is open now
    release = published_release(items=4, engineers=[make_engineer(display_name="Zhou Wei")], publish_at=published)
    product, items = release.product, items_of(release)
    idea = upcoming_idea(product, title="深色模式跟随日出日落")
    reports.open_window(release=release, now=published)
    for _ in range(3):  # three other fans already reported: they loved the third update
        reports.submit_report(
            release=release, fan=UserFactory(), mood=Report.Mood.HAPPY, loved=items[2], weakest=items[3], awaited=idea
        )
    UserFactory(username="xiaowang", phone_model="Xiaomi 14")
    make_pm(username="pm_lin")

    # The fan fills the four cells on a phone, in Chinese.
    sign_in(phone, base, "xiaowang")
    phone.goto(f"{base}/report/{product.slug}/{release.version}/")
    assert_fits_the_phone(phone)
    phone.locator("label.mood-love_it").click()
    phone.locator("select[name=loved]").select_option(str(items[2].pk))
    phone.locator("select[name=weakest]").select_option(str(items[0].pk))
    phone.locator("select[name=awaited]").select_option(str(idea.pk))
    phone.locator("details.whys summary").click()
    phone.locator("input[name=why_loved]").fill(WHY)
    phone.locator("form.report-form button[type=submit]").click()
    expect(phone.locator(".messages .message.success")).to_be_visible()
    expect(phone.locator("input[name=why_loved]")).to_have_value(WHY)  # the form now holds the report
    assert_fits_the_phone(phone)
    assert Report.objects.get(release=release, fan__username="xiaowang").why_loved == WHY
    sign_out(phone)

    # The window closes; the minute's tick freezes it once.
    ReleaseTally.objects.filter(pk=release.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    tasks.freeze_closed_reports()
    tally = ReleaseTally.objects.get(pk=release.pk)
    assert tally.frozen_at is not None and tally.report_count == 4 and tally.awarded_item_id == items[2].pk

    # The award appears for everyone.
    phone.goto(f"{base}/awards/{product.slug}/{release.version}/")
    expect(phone.locator(".award-winner")).to_contain_text(items[2].title)
    expect(phone.locator(".award-winner")).to_contain_text("Zhou Wei")
    assert_fits_the_phone(phone)

    # The product manager reads the summary, finds the fan's comment, and downloads the CSV files.
    sign_in(phone, base, "pm_lin")
    phone.goto(f"{base}/awards/{product.slug}/{release.version}/")
    phone.locator(f"a[href='/feedback/{product.slug}/{release.version}/']").click()
    expect(phone.locator(".summary-items > li").first).to_contain_text(items[2].title)
    expect(phone.locator(".summary-items > li")).to_have_count(4)
    expect(phone.locator(".comments")).to_contain_text(WHY)
    assert_fits_the_phone(phone)
    phone.locator("select[name=cell]").select_option("mood")
    phone.locator("form.comment-filter button").click()
    expect(phone.locator(".comments")).to_have_count(0)  # nobody said why about their mood
    phone.locator("select[name=cell]").select_option("loved")
    phone.locator("form.comment-filter button").click()
    expect(phone.locator(".comments li")).to_have_count(1)

    with phone.expect_download() as download:
        phone.locator(f"a[href^='/feedback/{product.slug}/{release.version}/comments.csv']").click()
    comments = download.value.path().read_bytes().decode("utf-8")
    assert comments.startswith("\ufeff") and WHY in comments and "Xiaomi 14" in comments
    assert download.value.suggested_filename == f"canyu-{product.slug}-{release.version}-comments.csv"
    with phone.expect_download() as download:
        phone.locator(f"a[href^='/feedback/{product.slug}/{release.version}/updates.csv']").click()
    rows = download.value.path().read_bytes().decode("utf-8").lstrip("\ufeff").splitlines()
    assert len(rows) == 1 + 4 and rows[1].startswith(f"1,{items[2].title},Zhou Wei,4,0,")
