"""The product managers' feedback summaries: who may read them, what they count (from the frozen
snapshot, or from the rows while the window is open), groups, comments, CSV, the trend, fixed queries."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts import activity
from accounts.models import User
from accounts.tests.factories import UserFactory
from feedback import reports, summaries, tally
from feedback.models import ItemTally, ReleaseTally, Report
from feedback.tests.reporting import (
    CLOSES,
    FRIDAY,
    SATURDAY,
    frozen_week,
    items_of,
    published_release,
    submit,
    upcoming_idea,
)
from honour.models import Standing
from ideas.tests.factories import make_pm
from releases.models import Release
from releases.tests.factories import make_engineer
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
AFTER = CLOSES + timedelta(hours=1)
SAD, LOVE_IT = Report.Mood.SAD, Report.Mood.LOVE_IT


def summary_url(release, **query):
    url = reverse("feedback:summary", args=[release.product.slug, release.version])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets read the Chinese as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.fixture
def pm(client):
    manager = make_pm()
    client.force_login(manager)
    return manager


def open_week(**fields):
    release = published_release(**fields)
    reports.open_window(release=release, now=release.published_at)
    return release


# --- Who may read ----------------------------------------------------------------------------------


def test_fans_are_refused_and_visitors_asked_to_sign_in(client):
    release = frozen_week()
    assert client.get(summary_url(release)).status_code == 302
    client.force_login(UserFactory())
    for url in (
        summary_url(release),
        reverse("feedback:trend", args=[release.product.slug]),
        reverse("feedback:summary_items_csv", args=[release.product.slug, release.version]),
        reverse("feedback:summary_comments_csv", args=[release.product.slug, release.version]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_release_product_managers_may_not_see_is_not_found(client, pm):
    release = published_release()
    Release.objects.filter(pk=release.pk).update(state=Release.State.DRAFT, published_at=None)
    assert client.get(summary_url(release)).status_code == 404
    assert client.get(reverse("feedback:summary", args=[release.product.slug, "v99"])).status_code == 404


def test_a_release_without_reports_says_so(client, pm):
    release = published_release(channel=Release.Channel.STABLE)
    response = client.get(summary_url(release))
    assert response.status_code == 200
    assert "this release takes no four-cell reports" in response.content.decode()


def test_the_version_in_another_case_redirects_with_its_query(client, pm):
    release = published_release(version="v14.0.1-dev")
    response = client.get(reverse("feedback:summary", args=[release.product.slug, "V14.0.1-DEV"]) + "?cell=mood")
    assert response.status_code == 301 and response.url == summary_url(release, cell="mood")
    response = client.get(reverse("feedback:summary_comments_csv", args=[release.product.slug, "V14.0.1-DEV"]))
    assert response.status_code == 301


# --- The frozen summary ------------------------------------------------------------------------------


def test_the_frozen_summary_shows_every_item_ranked_as_the_award_with_bars(client, pm):
    zhou = make_engineer(username="zhou", display_name="Zhou Wei")
    release = frozen_week(engineers=[zhou], items=12, picks=[(1, 0), (1, 2), (3, 0)])
    with time_machine.travel(AFTER, tick=False):
        result = summaries.summary(release, AFTER)
        html = client.get(summary_url(release)).content.decode()
    stored = list(ItemTally.objects.filter(release=release).order_by("rank"))
    assert [(row.rank, row.item_id, row.loved, row.weakest) for row in result.items] == [
        (row.rank, row.item_id, row.loved, row.weakest) for row in stored
    ]
    assert [row.score for row in result.items] == pytest.approx([row.score for row in stored])
    assert len(result.items) == 12  # all of them, not the award page's top ten
    items = items_of(release)
    top = result.items[0]
    assert top.item_id == items[1].pk and top.loved == 2 and top.loved_share == pytest.approx(66.7)
    assert html.count('class="bar bar-loved"') == 12 and 'value="66.7"' in html and "Zhou Wei" in html


def test_the_frozen_summary_keeps_its_counts_when_rows_change_later(client, pm):
    release = frozen_week(picks=[(1, 0), (1, 2)])
    Report.objects.filter(release=release).update(loved=items_of(release)[2], weakest=items_of(release)[0], mood=SAD)
    result = summaries.summary(release, AFTER)
    assert result.items[0].item_id == items_of(release)[1].pk and result.items[0].loved == 2
    assert {share.mood: share.count for share in result.moods}[Report.Mood.HAPPY] == 2


def test_mood_split_ideas_and_participation_of_the_week_active_fans(client, pm):
    release = published_release()
    idea, other = upcoming_idea(release.product), upcoming_idea(release.product)
    reports.open_window(release=release, now=FRIDAY)
    fans = [UserFactory() for _ in range(4)]
    for fan, mood, awaited in zip(fans, [SAD, SAD, LOVE_IT, Report.Mood.HAPPY], [idea, idea, idea, other], strict=True):
        submit(release, fan, mood=mood, idea=awaited)
    seen = [UserFactory() for _ in range(6)]
    # Everyone was last seen before the window opened, but two of the reporters and six other fans;
    # the two other reporters count too: reporting is activity.
    User.objects.update(last_active_on=activity.site_today(FRIDAY - timedelta(days=1)))
    User.objects.filter(pk__in=[user.pk for user in fans[:2] + seen]).update(
        last_active_on=activity.site_today(SATURDAY)
    )
    User.objects.filter(pk=fans[3].pk).update(last_active_on=None)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    active = 10
    assert ReleaseTally.objects.get(pk=release.pk).active_fans == active
    with time_machine.travel(AFTER, tick=False):
        result = summaries.summary(release, AFTER)
        html = client.get(summary_url(release)).content.decode()
    assert result.participation.reports == 4 and result.participation.active_fans == active
    assert result.participation.share == 40.0
    assert [(share.mood, share.count, share.percent) for share in result.moods] == [
        ("happy", 1, 25.0),
        ("sad", 2, 50.0),
        ("love_it", 1, 25.0),
        ("looking_forward", 0, 0.0),
    ]
    assert [(found.pk, picks) for found, picks, _share in result.ideas] == [(idea.pk, 3), (other.pk, 1)]
    assert f"{result.participation.share}%" in html and idea.thread.title in html
    assert '<rect class="mood-fill-sad" x="25.0" y="0" width="50.0"' in html


def test_the_comparison_with_the_previous_release(client, pm):
    first = frozen_week(picks=[(1, 0)] * 3)
    second = frozen_week(product=first.product, publish_at=FRIDAY + timedelta(days=7), picks=[(1, 0)] * 5)
    result = summaries.summary(second, CLOSES + timedelta(days=8))
    assert result.previous.release == first and result.previous.report_change == 2
    assert [change for _before, _now, change in result.previous.moods] == [0.0, 0.0, 0.0, 0.0]
    with time_machine.travel(CLOSES + timedelta(days=8), tick=False):
        html = client.get(summary_url(second)).content.decode()
    assert f"+2 on {first.version}" in html and f"Compared with {first.version}" in html
    assert summaries.summary(first, CLOSES + timedelta(days=8)).previous is None


# --- Groups ----------------------------------------------------------------------------------------


def test_a_device_group_narrows_every_count_and_ranks_within_it(client, pm):
    mi14 = [UserFactory(phone_model="Xiaomi 14") for _ in range(3)]
    others = [UserFactory(phone_model="Redmi K70") for _ in range(2)]
    release = frozen_week(picks=[(2, 0), (2, 0), (2, 1), (1, 2), (1, 2)], fans=mi14 + others)
    group = summaries.Group.from_query("device", "Xiaomi 14")
    result = summaries.summary(release, AFTER, group)
    items = items_of(release)
    assert result.participation.reports == 3
    assert result.items[0].item_id == items[2].pk and result.items[0].loved == 3
    assert result.items[0].score == pytest.approx(tally.score(loved=3, weakest=0, reports=3))
    assert result.previous is None
    rows = {row.group.segment: row for row in result.devices}
    assert rows["Xiaomi 14"].reports == 3 and rows["Xiaomi 14"].share == 60.0
    assert rows["Xiaomi 14"].loved.item_id == items[2].pk and rows["Redmi K70"].loved.item_id == items[1].pk
    html = client.get(summary_url(release, by="device", segment="Xiaomi 14")).content.decode()
    assert "Only the 3 reports from Xiaomi 14." in html


def test_levels_are_listed_in_order_and_small_device_models_folded(client, pm, settings):
    fans = [UserFactory(phone_model=f"Phone {i:02}") for i in range(summaries.DEVICES_SHOWN + 2)]
    Standing.objects.create(user=fans[0], points=150, level=3)
    release = frozen_week(picks=[(1, 0)] * len(fans), fans=fans)
    result = summaries.summary(release, AFTER)
    assert len(result.devices) == summaries.DEVICES_SHOWN + 1
    assert result.devices[-1].folded == 2 and result.devices[-1].reports == 2
    assert [row.group.segment for row in result.levels] == ["1", "3"]
    html = client.get(summary_url(release)).content.decode()
    assert "2 other models" in html and "Level 3 · Fan" in html


@pytest.mark.parametrize(
    "query",
    [
        "by=device",
        "by=level&segment=99",
        "by=nope&segment=x",
        "by=level&segment=abc",
        "by=device&segment=" + "x" * 61,
        "cell=nope&item=abc&q=",
        "item=999999",
        "before=abc",
        "before=-5",
        "before=99999999999999999999999",
        "item=99999999999999999999",
        "q=" + "深" * 500,
    ],
)  # control characters: canyu/tests/test_hostile_input.py
def test_nonsense_in_the_query_gives_a_normal_page(client, pm, query):
    release = frozen_week()
    response = client.get(summary_url(release) + "?" + query)
    assert response.status_code == 200
    assert (
        client.get(
            reverse("feedback:summary_comments_csv", args=[release.product.slug, release.version]) + "?" + query
        ).status_code
        == 200
    )


# --- The live summary --------------------------------------------------------------------------------


def test_during_the_window_the_summary_counts_the_rows_and_shares_the_count(client, pm, settings):
    settings.VOTING_LIVE_SUMMARY_SECONDS = 60
    release = open_week()
    submit(release, UserFactory())
    with time_machine.travel(SATURDAY, tick=False):
        html = client.get(summary_url(release)).content.decode()
        assert summaries.summary(release, SATURDAY).participation.reports == 1
        submit(release, UserFactory())
        assert summaries.summary(release, SATURDAY).participation.reports == 1  # the shared count
        settings.VOTING_LIVE_SUMMARY_SECONDS = 0  # not kept: every reader counts
        cache.clear()
        assert summaries.summary(release, SATURDAY).participation.reports == 2
        submit(release, UserFactory())
        assert summaries.summary(release, SATURDAY).participation.reports == 3
    assert "Live: counted from the reports" in html


def test_an_upcoming_window_has_nothing_to_count(client, pm):
    release = published_release()
    release.report_opens_at = FRIDAY + timedelta(days=1)
    reports.open_window(release=release, now=FRIDAY)
    with time_machine.travel(FRIDAY + timedelta(hours=1), tick=False):
        result = summaries.summary(release, FRIDAY + timedelta(hours=1))
        html = client.get(summary_url(release)).content.decode()
    assert result.state == "upcoming" and not result.has_counts and "Reports open on" in html


# --- Comments ------------------------------------------------------------------------------------


def test_comments_filter_by_cell_item_and_text(client, pm):
    release = open_week()
    items = items_of(release)
    submit(release, UserFactory(), loved=0, weakest=1, why_loved="电池续航好多了", why_weakest="动画卡顿")
    submit(release, UserFactory(), loved=1, weakest=2, why_loved="Animations are smooth", why_mood="ok")
    submit(release, UserFactory(), loved=2, weakest=0)  # no comment at all

    def texts(**query):
        found = summaries.CommentFilter.from_query(query, {item.pk for item in items}, summaries.Group())
        return sorted(c.text for c in summaries.comment_page(release, found, [], None).comments)

    assert texts() == ["Animations are smooth", "ok", "动画卡顿", "电池续航好多了"]
    assert texts(cell="loved") == ["Animations are smooth", "电池续航好多了"]
    assert texts(item=str(items[1].pk)) == ["Animations are smooth", "动画卡顿"]
    assert texts(cell="weakest", item=str(items[1].pk)) == ["动画卡顿"]
    assert texts(q="ANIMATIONS") == ["Animations are smooth"]
    assert texts(q="续航") == ["电池续航好多了"]
    assert texts(cell="mood", item=str(items[1].pk)) == ["ok"]  # an item means nothing in the mood cell


def test_comments_come_a_page_at_a_time_newest_first(client, pm, monkeypatch):
    monkeypatch.setattr(summaries, "COMMENTS_PER_PAGE", 2)
    release = open_week()
    for n in range(5):
        submit(release, UserFactory(), why_mood=f"comment {n}")
    html = client.get(summary_url(release)).content.decode()
    assert "comment 4" in html and "comment 3" in html and "comment 2" not in html
    older = html.split('<a href="?')[-1].split('#comments-heading"')[0].replace("&amp;", "&")
    html = client.get(summary_url(release) + "?" + older).content.decode()
    assert "comment 2" in html and "comment 1" in html and "comment 4" not in html


def test_hostile_comments_are_shown_as_text(client, pm):
    release = open_week()
    submit(release, UserFactory(), why_mood="<script>alert(1)</script><img src=x onerror=alert(2)>")
    html = client.get(summary_url(release)).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- CSV ---------------------------------------------------------------------------------------------


def test_the_item_table_downloads_as_csv(client, pm):
    release = frozen_week(items=3, picks=[(1, 0), (1, 2), (2, 0)])
    response = client.get(reverse("feedback:summary_items_csv", args=[release.product.slug, release.version]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="canyu-{release.product.slug}-{release.version}-updates.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["rank", "update", "engineers", "loved most"]
    stored = list(ItemTally.objects.filter(release=release).order_by("rank"))
    assert [(int(r[0]), r[1], int(r[3]), int(r[4])) for r in rows[1:]] == [
        (t.rank, t.title, t.loved, t.weakest) for t in stored
    ]


def test_the_comments_download_as_csv_with_the_filters_and_formulas_made_text(client, pm):
    release = open_week()
    submit(
        release, UserFactory(phone_model="Xiaomi 14"), why_loved='=HYPERLINK("http://evil")', why_mood='开心, "真的"'
    )
    submit(release, UserFactory(), why_weakest="-2 stars")
    url = reverse("feedback:summary_comments_csv", args=[release.product.slug, release.version])
    rows = csv_rows(client.get(url))
    assert rows[0] == ["report", "saved (UTC)", "device model", "level", "cell", "choice", "why"]
    whys = {row[4]: row[6] for row in rows[1:]}
    assert {row[4]: row[5] for row in rows[1:]}["mood"] == "Happy"  # the choice the comment explains
    assert whys == {"loved": '\'=HYPERLINK("http://evil")', "mood": '开心, "真的"', "weakest": "'-2 stars"}
    assert [row[6] for row in csv_rows(client.get(url + "?cell=mood"))[1:]] == ['开心, "真的"']
    assert len(csv_rows(client.get(url + "?by=device&segment=Xiaomi 14"))) == 3


# --- The trend ---------------------------------------------------------------------------------------


def test_the_trend_lists_each_week_with_participation_moods_and_winners(client, pm, settings):
    settings.VOTING_AWARD_MIN_REPORTS = 2
    zhou = make_engineer(username="zhou", display_name="Zhou Wei")
    first = frozen_week(engineers=[zhou], picks=[(1, 0)] * 2)
    second = frozen_week(product=first.product, publish_at=FRIDAY + timedelta(days=7), picks=[(1, 0)] * 3)
    third = published_release(product=first.product, publish_at=FRIDAY + timedelta(days=14))
    now = FRIDAY + timedelta(days=15)
    reports.open_window(release=third, now=now)
    submit(third, UserFactory(), now=now)
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("feedback:trend", args=[first.product.slug]))
    page, weeks = response.context["page"], response.context["weeks"]
    assert [(week.tally.pk, week.participation.reports, week.frozen) for week in weeks] == [
        (third.pk, 1, False),
        (second.pk, 3, True),
        (first.pk, 2, True),
    ]
    assert weeks[2].winners == ["Zhou Wei"] and page.number == 1
    html = response.content.decode()
    assert html.count('<rect class="trend-bar"') == 3 and "🍿" in html


# --- Fixed queries -----------------------------------------------------------------------------------


def _frozen_with(fans: int, product=None, publish_at=FRIDAY):
    people = [UserFactory(phone_model=f"Phone {i}") for i in range(fans)]
    return frozen_week(
        picks=[(i % 3, (i + 1) % 3) for i in range(fans)], fans=people, product=product, publish_at=publish_at
    )


@pytest.mark.parametrize("fans", [2, 9])
def test_the_summary_page_runs_a_fixed_number_of_queries(client, pm, django_assert_num_queries, fans, settings):
    first = _frozen_with(fans)
    release = _frozen_with(fans, product=first.product, publish_at=FRIDAY + timedelta(days=7))
    Report.objects.filter(release=release).update(why_mood="因为")
    client.get(summary_url(release))
    # (session +) 2 permission lookups, the release, the tally, 3 frozen counts with the titles,
    # 2 segment splits, items + engineers, ideas, the previous week + its moods, the comments page;
    # the user is kept in the cache (accounts.usercache)
    with django_assert_num_queries(15 + session_queries(settings)):
        assert client.get(summary_url(release)).status_code == 200


@pytest.mark.parametrize("weeks", [1, 3])
def test_the_trend_page_runs_a_fixed_number_of_queries(client, pm, django_assert_num_queries, weeks, settings):
    first = _frozen_with(2)
    for week in range(1, weeks):
        _frozen_with(2, product=first.product, publish_at=FRIDAY + timedelta(days=7 * week))
    client.get(reverse("feedback:trend", args=[first.product.slug]))
    with django_assert_num_queries(7 + session_queries(settings)):  # the user is kept in the cache
        assert client.get(reverse("feedback:trend", args=[first.product.slug])).status_code == 200


# --- Active fans ------------------------------------------------------------------------------------


def test_a_signed_in_request_marks_the_fan_active_once_a_day(client, django_assert_num_queries):
    fan = UserFactory(last_active_on=None)
    client.force_login(fan)
    client.get(reverse("feedback:awards"))
    fan.refresh_from_db()
    assert fan.last_active_on == activity.site_today()
    assert not activity.mark_active(fan)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert activity.mark_active(fan) and not activity.mark_active(fan)


def test_product_managers_find_the_summaries_from_the_award_pages(client, pm):
    release = frozen_week()
    html = client.get(reverse("feedback:award", args=[release.product.slug, release.version])).content.decode()
    assert f'href="{summary_url(release)}"' in html
    html = client.get(reverse("feedback:product_awards", args=[release.product.slug])).content.decode()
    assert f'href="{reverse("feedback:trend", args=[release.product.slug])}"' in html
    client.force_login(UserFactory())
    html = client.get(reverse("feedback:award", args=[release.product.slug, release.version])).content.decode()
    assert summary_url(release) not in html


def test_the_page_title_names_the_page_then_the_site(client, pm):
    release = frozen_week()
    html = client.get(summary_url(release)).content.decode()
    assert f"<title>Feedback · {release.product.name} {release.version} · Canyu</title>" in html
