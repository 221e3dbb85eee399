"""A fan on a 360 px phone in Chinese, from the "new build published" notification to the submitted
four-cell report in three taps; the home page's quiet banner leads there in one; after the freeze the release
page leads to the Popcorn Award."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from feedback import reports, tally
from feedback.models import Report
from feedback.tests.reporting import items_of, published_release, upcoming_idea
from notifications.models import Notification
from releases.models import ProductFollow
from releases.tests.factories import ProductFactory, make_engineer
from tests.browser.steps import assert_fits_the_phone, sign_in


@pytest.fixture
def phone_locale():
    return "zh-CN"


def test_a_fan_goes_from_the_publish_notification_to_the_submitted_report_in_three_taps(live_server, phone):
    base = live_server.url
    fan = UserFactory(username="xiaowang")
    published = timezone.now() - timedelta(minutes=5)
    # Followers are told when the release is published: follow first.
    product = ProductFactory(name="MIUI", slug="miui")
    ProductFollow.objects.create(product=product, user=fan)
    release = published_release(product=product, items=3, engineers=[make_engineer()], publish_at=published)
    items = items_of(release)
    idea = upcoming_idea(product, title="深色模式跟随日出日落")
    assert Notification.objects.filter(recipient=fan).exists()
    report_path = f"/report/miui/{release.version}/"

    sign_in(phone, base, "xiaowang")
    # The home page's quiet banner: the fan has not reported.
    phone.goto(base + "/")
    expect(phone.locator(".report-banner")).to_contain_text("四格体验报告")
    assert_fits_the_phone(phone)

    taps = 0
    phone.locator(".account-nav a[href='/notifications/']").click()
    taps += 1
    # An unread notification is a button that marks it read and opens where it leads: the open report.
    phone.locator("main").get_by_text(re.compile(f"{re.escape(release.version)}.*已发布")).first.click()
    taps += 1
    expect(phone).to_have_url(base + report_path)
    expect(phone.locator("main h1")).to_contain_text("四格体验报告")
    assert_fits_the_phone(phone)
    # The four cells are choices in the form, not taps that lead anywhere.
    phone.locator("label.mood-love_it").click()
    phone.locator("select[name=loved]").select_option(str(items[2].pk))
    phone.locator("select[name=weakest]").select_option(str(items[0].pk))
    phone.locator("select[name=awaited]").select_option(str(idea.pk))
    phone.get_by_role("button", name="提交报告").click()
    taps += 1
    expect(phone.locator(".messages .message.success")).to_contain_text("报告已保存")
    assert_fits_the_phone(phone)
    assert taps <= 3
    report = Report.objects.get(release=release, fan=fan)
    assert (report.mood, report.loved_id, report.weakest_id, report.awaited_id) == (
        Report.Mood.LOVE_IT,
        items[2].pk,
        items[0].pk,
        idea.pk,
    )


def test_after_the_freeze_the_release_page_leads_to_the_award(live_server, phone):
    base = live_server.url
    UserFactory(username="xiaowang")
    published = timezone.now() - timedelta(days=8)
    release = published_release(items=3, engineers=[make_engineer()], publish_at=published)
    reports.open_window(release=release, now=published)
    tally.freeze_release(release_id=release.pk, now=reports.window_of(release).closes_at)

    sign_in(phone, base, "xiaowang")
    phone.goto(base + release.get_absolute_url())
    expect(phone.locator(".report-banner")).to_have_count(0)
    phone.get_by_role("link", name="查看爆米花奖").click()
    expect(phone).to_have_url(re.compile(rf"/awards/{release.product.slug}/{re.escape(release.version)}/$"))
    assert_fits_the_phone(phone)


def test_the_banner_and_the_lists_pass_axe(live_server, browser):
    from tests.browser.test_accessibility import _serious_violations

    UserFactory(username="xiaowang")
    release = published_release(items=3, engineers=[make_engineer()], publish_at=timezone.now() - timedelta(hours=1))
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True
    )  # axe is added as a script
    page = context.new_page()
    sign_in(page, live_server.url, "xiaowang")
    found = []
    for path in ("/", release.get_absolute_url(), f"/t/{release.announcement_id}/"):
        page.goto(live_server.url + path)
        expect(page.locator(".loop-step, .report-banner").first).to_be_visible()
        found += _serious_violations(page)
    context.close()
    assert found == [], "\n".join(found)
