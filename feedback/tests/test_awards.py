"""The Popcorn Award: to the engineers of the top item, posted in the announcement thread, told to
the winners, not below the minimum of reports; seasons."""

from datetime import datetime, timedelta

import pytest

from accounts.tests.factories import UserFactory
from feedback import awards, pages, reports, tally
from feedback.models import Award, ReleaseTally
from feedback.tests.reporting import CLOSES, FRIDAY, items_of, published_release, submit, upcoming_idea
from forum.models import Post
from notifications.models import Kind, Notification
from releases import preparing
from releases.tests.factories import make_engineer

pytestmark = pytest.mark.django_db


def freeze_with_reports(release, picks, *, settings, minimum):
    """``picks``: (loved, weakest) item indexes, one fan each; then the window closes."""
    settings.VOTING_AWARD_MIN_REPORTS = minimum
    idea = upcoming_idea(release.product)
    reports.open_window(release=release, now=release.published_at)
    for loved, weakest in picks:
        submit(release, UserFactory(), loved=loved, weakest=weakest, idea=idea)
    assert tally.freeze_release(release_id=release.pk, now=CLOSES)
    return ReleaseTally.objects.select_related("result_post").get(pk=release.pk)


def test_the_award_goes_to_each_engineer_of_the_top_item(settings):
    zhou, li = make_engineer(username="zhou"), make_engineer(username="lily")
    release = published_release(items=3, engineers=[zhou, li])
    result = freeze_with_reports(release, [(1, 0), (1, 2), (1, 0), (2, 0)], settings=settings, minimum=4)
    top = items_of(release)[1]
    assert result.awarded_item == top
    assert sorted(Award.objects.filter(release=release).values_list("engineer__username", "item")) == [
        ("lily", top.pk),
        ("zhou", top.pk),
    ]
    assert Award.objects.filter(release=release).first().season == "2026Q4"


def test_the_winners_are_told_once(settings):
    zhou = make_engineer(username="zhou")
    release = published_release(items=3, engineers=[zhou])
    freeze_with_reports(release, [(1, 0), (1, 2)], settings=settings, minimum=2)
    told = Notification.objects.filter(kind=Kind.AWARD)
    assert list(told.values_list("recipient", "key")) == [(zhou.pk, f"award:{release.pk}")]
    assert told.get().params == {
        "item": items_of(release)[1].title,
        "product": release.product.name,
        "version": release.version,
    }


def test_the_result_is_posted_in_the_announcement_thread(settings, in_english):
    zhou = make_engineer(username="zhou")
    release = published_release(items=3, engineers=[zhou])
    result = freeze_with_reports(release, [(1, 0), (1, 2)], settings=settings, minimum=2)
    post = result.result_post
    assert post.thread_id == release.announcement_id and post.author_id == release.created_by_id
    assert "The Popcorn Award goes to" in post.source and "@zhou" in post.source
    assert items_of(release)[1].title in post.source
    # In plain words: both reporters loved it most; a weakest pick each went to items 0 and 2.
    assert "loved most by 100 % of the 2 fans who reported on this build." in post.source
    assert f"| 1 | {items_of(release)[1].title} | 100 % (2) | 0 % (0) |" in post.source
    assert "score" not in post.source.split("[The whole result")[0].lower()  # the formula is one link away
    assert f"/awards/{release.product.slug}/{release.version}/" in post.source


def test_no_award_below_the_minimum_of_reports(settings, in_english):
    release = published_release(items=3)
    result = freeze_with_reports(release, [(1, 0), (1, 2)], settings=settings, minimum=3)
    assert result.awarded_item is None and result.min_reports == 3 and result.report_count == 2
    assert not Award.objects.exists() and not Notification.objects.filter(kind=Kind.AWARD).exists()
    assert "No Popcorn Award this week: 2 reports came in, fewer than the 3 it needs." in result.result_post.source


def test_no_report_at_all_gives_no_award_and_says_so(settings, in_english):
    release = published_release(items=3)
    result = freeze_with_reports(release, [], settings=settings, minimum=1)
    assert result.report_count == 0 and result.awarded_item is None
    assert "0 reports came in" in result.result_post.source


def test_a_release_withdrawn_during_its_window_gets_no_award_and_no_post(settings):
    release = published_release(items=3)
    submit(release, UserFactory())
    preparing.withdraw_release(release=release)
    settings.VOTING_AWARD_MIN_REPORTS = 1
    assert tally.freeze_release(release_id=release.pk, now=CLOSES)
    result = ReleaseTally.objects.get(pk=release.pk)
    assert result.awarded_item is None and result.result_post is None and not Award.objects.exists()
    assert Post.objects.filter(thread=release.announcement).count() == 1


@pytest.mark.parametrize(
    ("moment", "season"),
    [
        ("2026-12-31T23:59:59+08:00", "2026Q4"),
        ("2027-01-01T00:00:00+08:00", "2027Q1"),  # still 2026 in UTC
        ("2027-03-31T23:59:59+08:00", "2027Q1"),
        ("2027-04-01T00:00:00+08:00", "2027Q2"),
    ],
)
def test_the_season_is_the_quarter_in_beijing_time(moment, season):
    assert awards.season_of(datetime.fromisoformat(moment)) == season


def test_seasons_before_and_after_cross_the_year():
    assert awards.neighbour_seasons("2027Q1") == ("2026Q4", "2027Q2")
    assert awards.neighbour_seasons("2026Q4") == ("2026Q3", "2027Q1")


@pytest.mark.parametrize("value", ["2026Q5", "2026q1", "26Q1", "", None, "2026Q1; DROP"])
def test_a_malformed_season_means_the_current_one(value):
    assert awards.season_from(value, default="2026Q4") == "2026Q4"


def test_the_season_table_ranks_by_awards_then_best_score_then_name(settings):
    settings.VOTING_AWARD_MIN_REPORTS = 1
    ann, bob, cyd = make_engineer(username="ann"), make_engineer(username="bob"), make_engineer(username="cyd")
    for week, engineers, picks in [(0, [bob], [(0, 1)]), (1, [bob], [(0, 1)]), (2, [ann, cyd], [(0, 1), (0, 1)])]:
        release = published_release(items=2, engineers=engineers, publish_at=FRIDAY - timedelta(weeks=week))
        idea = upcoming_idea(release.product)
        for loved, weakest in picks:
            submit(
                release,
                UserFactory(),
                loved=loved,
                weakest=weakest,
                idea=idea,
                now=release.published_at + timedelta(hours=1),
            )
        tally.freeze_release(release_id=release.pk, now=CLOSES)
    rows = pages.season_table("2026Q4")
    # bob: two awards; ann and cyd one each with the same (better) score: by name.
    assert [(row.rank, row.username, row.awards) for row in rows] == [(1, "bob", 2), (2, "ann", 1), (3, "cyd", 1)]
    assert pages.season_table("2026Q3") == []
