"""Counting reports, the ranking score, and freezing the result exactly once."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from feedback import reports, tally
from feedback.models import Award, IdeaTally, ItemTally, MoodTally, ReleaseTally, Report, SegmentTally
from feedback.reports import ReportRefused
from feedback.tests.reporting import CLOSES, HAPPY, SATURDAY, items_of, published_release, submit, upcoming_idea
from forum.models import Post
from ideas.models import Idea
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db
Mood = Report.Mood


# --- The score --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loved", "weakest", "reports", "expected"),
    [
        # mu = 3/6 = 0.5, m2 = 5/6, sqrt((5/6 - 1/4) / 7) = 0.288675 → 0.5 - 1.65 × 0.288675
        (3, 0, 3, 0.023686),
        # mu = 50/203 = 0.246305, m2 = 72/203 = 0.354680, sqrt(0.294014 / 204) = 0.037964
        (60, 10, 200, 0.183665),
        # nobody reported: mu = 0, m2 = 2/3, sqrt((2/3) / 4) = 0.408248
        (0, 0, 0, -0.673610),
        (40, 5, 100, 0.245347),
        (5, 5, 10, -0.423681),
    ],
)
def test_the_score_follows_the_formula(loved, weakest, reports, expected):
    assert tally.score(loved=loved, weakest=weakest, reports=reports) == pytest.approx(expected, abs=1e-6)


def test_a_handful_of_unanimous_reports_scores_below_a_broad_majority():
    assert tally.score(loved=3, weakest=0, reports=3) < tally.score(loved=60, weakest=10, reports=200)


def counts(reports, loved=None, weakest=None):
    return tally.Counts(reports=reports, loved=loved or {}, weakest=weakest or {}, moods={}, ideas={})


def test_the_ranking_is_by_score():
    items = items_of(published_release(items=3))
    ranked = tally.rank_items(
        items, counts(10, loved={items[0].pk: 2, items[2].pk: 8}, weakest={items[0].pk: 5, items[1].pk: 5})
    )
    assert [result.item for result in ranked] == [items[2], items[0], items[1]]
    assert [result.rank for result in ranked] == [1, 2, 3]


def test_ties_are_broken_by_the_changelog_order_whatever_order_the_items_come_in():
    items = items_of(published_release(items=4))
    even = counts(8, loved={item.pk: 2 for item in items}, weakest={item.pk: 2 for item in items})
    shuffled = list(items)
    random.Random(7).shuffle(shuffled)
    assert [result.item for result in tally.rank_items(shuffled, even)] == items


def test_with_equal_net_more_picks_either_way_rank_lower():
    # Same net (+1), same R: the item fans agree on less has the wider interval, so the lower score.
    items = items_of(published_release(items=2))
    ranked = tally.rank_items(items, counts(10, loved={items[0].pk: 5, items[1].pk: 1}, weakest={items[0].pk: 4}))
    assert [result.item for result in ranked] == [items[1], items[0]]


# --- Freezing --------------------------------------------------------------------------------


def fill(release, picks, *, ideas=None, devices=("Xiaomi 14", "Redmi K70", "")):
    """One fan per (mood, loved, weakest, idea index) in ``picks``, device and post count varying."""
    ideas = ideas or [upcoming_idea(release.product), upcoming_idea(release.product)]
    items = items_of(release)
    for number, (mood, loved, weakest, idea) in enumerate(picks):
        fan = UserFactory(phone_model=devices[number % len(devices)], post_count=number * 10)
        reports.submit_report(
            release=release,
            fan=fan,
            mood=mood,
            loved=items[loved],
            weakest=items[weakest],
            awaited=ideas[idea],
            now=SATURDAY,
        )
    return items, ideas


PICKS = [
    (Mood.HAPPY, 0, 1, 0),
    (Mood.HAPPY, 0, 2, 1),
    (Mood.LOVE_IT, 0, 1, 0),
    (Mood.SAD, 2, 0, 0),
    (Mood.HAPPY, 1, 2, 1),
    (Mood.LOVE_IT, 0, 3, 0),
]


def test_freezing_stores_counts_equal_to_the_rows():
    release = published_release(items=4)
    two_ideas = [upcoming_idea(release.product), upcoming_idea(release.product)]
    items, ideas = fill(release, PICKS, ideas=two_ideas)
    assert tally.freeze_release(release_id=release.pk, now=CLOSES)

    rows = Report.objects.filter(release=release)
    assert ReleaseTally.objects.get(pk=release.pk).report_count == rows.count() == 6
    stored = {
        row.item_id: (row.loved, row.weakest, row.net, row.rank) for row in ItemTally.objects.filter(release=release)
    }
    loved, weakest = Counter(rows.values_list("loved", flat=True)), Counter(rows.values_list("weakest", flat=True))
    assert {pk: value[:2] for pk, value in stored.items()} == {
        item.pk: (loved[item.pk], weakest[item.pk]) for item in items
    }
    assert stored[items[0].pk] == (4, 1, 3, 1)
    assert dict(MoodTally.objects.filter(release=release).values_list("mood", "count")) == {
        Mood.HAPPY: 3,
        Mood.SAD: 1,
        Mood.LOVE_IT: 2,
        Mood.LOOKING_FORWARD: 0,
    }
    assert dict(IdeaTally.objects.filter(release=release).values_list("idea", "picks")) == {
        ideas[0].pk: 4,
        ideas[1].pk: 2,
    }


def test_the_splits_by_device_and_level_add_up_to_the_totals():
    release = published_release(items=4)
    fill(release, PICKS)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    segments = SegmentTally.objects.filter(release=release)
    for by in SegmentTally.By.values:
        assert sum(segments.filter(by=by, cell="mood").values_list("count", flat=True)) == 6
        loved = Counter()
        for row in segments.filter(by=by, cell="loved"):
            loved[row.item_id] += row.count
        assert loved == Counter(
            {row.item_id: row.loved for row in ItemTally.objects.filter(release=release) if row.loved}
        )
    by_device = {(row.segment, row.mood): row.count for row in segments.filter(by="device", cell="mood")}
    assert by_device == {
        ("Xiaomi 14", Mood.HAPPY): 1,
        ("Xiaomi 14", Mood.SAD): 1,
        ("Redmi K70", Mood.HAPPY): 2,
        ("", Mood.LOVE_IT): 2,
    }


def test_the_anticipation_count_of_an_idea_comes_from_the_frozen_tallies():
    release = published_release(items=4)
    _items, ideas = fill(release, PICKS, ideas=[upcoming_idea(release.product), upcoming_idea(release.product)])
    assert Idea.objects.get(pk=ideas[0].pk).anticipation_count == 0  # no result while the window is open
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    assert Idea.objects.get(pk=ideas[0].pk).anticipation_count == 4
    Idea.objects.filter(pk=ideas[0].pk).update(anticipation_count=99)
    assert tally.recount_anticipation() == 1
    assert Idea.objects.get(pk=ideas[0].pk).anticipation_count == 4


def test_nothing_is_frozen_before_the_window_closes():
    release = published_release()
    submit(release, UserFactory())
    assert tally.freeze_release(release_id=release.pk, now=CLOSES - timedelta(seconds=1)) is False
    assert ReleaseTally.objects.get(pk=release.pk).frozen_at is None and not ItemTally.objects.exists()


def test_freezing_twice_freezes_once(settings):
    settings.VOTING_AWARD_MIN_REPORTS = 1
    release = published_release()
    submit(release, UserFactory())
    assert tally.freeze_release(release_id=release.pk, now=CLOSES) is True
    assert tally.freeze_release(release_id=release.pk, now=CLOSES + timedelta(minutes=1)) is False
    assert ItemTally.objects.filter(release=release).count() == 3
    assert Award.objects.filter(release=release).count() == 1
    assert Post.objects.filter(thread=release.announcement).count() == 2  # the announcement and one result
    assert ReleaseTally.objects.get(pk=release.pk).frozen_at == CLOSES


def test_the_frozen_result_stays_when_a_reporter_leaves():
    release = published_release()
    fan = UserFactory()
    submit(release, fan)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    fan.delete()
    assert not Report.objects.exists()
    assert ReleaseTally.objects.get(pk=release.pk).report_count == 1
    assert ItemTally.objects.get(item=items_of(release)[0]).loved == 1


def test_the_tick_freezes_the_windows_whose_time_is_up():
    due, later = published_release(), published_release(publish_at=SATURDAY + timedelta(days=4))
    for release in (due, later):
        reports.open_window(release=release, now=release.published_at)
    assert tally.freeze_due(now=CLOSES) == 1
    assert list(ReleaseTally.objects.filter(frozen_at__isnull=False).values_list("pk", flat=True)) == [due.pk]
    assert tally.freeze_due(now=CLOSES) == 0


def test_live_standings_are_the_counts_the_freeze_stores():
    release = published_release(items=4)
    fill(release, PICKS)
    live = tally.live_standings(release)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    frozen = list(ItemTally.objects.filter(release=release).order_by("rank"))
    assert [(r.item.pk, r.loved, r.weakest, r.rank) for r in live.items] == [
        (r.item_id, r.loved, r.weakest, r.rank) for r in frozen
    ]
    assert live.reports == 6 and {mood: n for mood, _label, n in live.moods}[Mood.HAPPY] == 3


# --- Races on PostgreSQL ---------------------------------------------------------------------


def skip_on_sqlite():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")


def report_call(release, fan, items, idea, *, loved=0, weakest=1, now=SATURDAY):
    def call():
        try:
            return reports.submit_report(
                release=release, fan=fan, mood=HAPPY, loved=items[loved], weakest=items[weakest], awaited=idea, now=now
            )
        except ReportRefused:
            return None

    return call


@pytest.mark.django_db(transaction=True)
def test_two_workers_freezing_at_once_freeze_once(settings):
    skip_on_sqlite()
    settings.VOTING_AWARD_MIN_REPORTS = 1
    release = published_release()
    submit(release, UserFactory())
    results = run_at_once([lambda: tally.freeze_release(release_id=release.pk, now=CLOSES) for _ in range(4)])
    assert sorted(results) == [False, False, False, True]
    assert ItemTally.objects.filter(release=release).count() == 3
    assert Award.objects.filter(release=release).count() == 1
    assert Post.objects.filter(thread=release.announcement).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_of_the_same_and_different_fans_are_one_each_and_all_counted():
    skip_on_sqlite()
    release = published_release(items=4)
    items, idea = items_of(release), upcoming_idea(release.product)
    fans = [UserFactory() for _ in range(8)]
    # Each fan sends the form three times at once (a double tap and a second tab), picking differently.
    calls = [report_call(release, fan, items, idea, loved=tap, weakest=3) for fan in fans for tap in range(3)]
    run_at_once(calls)
    assert Report.objects.filter(release=release).count() == 8
    assert tally.freeze_release(release_id=release.pk, now=CLOSES)
    rows = Report.objects.filter(release=release)
    assert ReleaseTally.objects.get(pk=release.pk).report_count == rows.count()
    loved = Counter(rows.values_list("loved", flat=True))
    assert {row.item_id: row.loved for row in ItemTally.objects.filter(release=release)} == {
        item.pk: loved[item.pk] for item in items
    }
    assert ItemTally.objects.get(item=items[3]).weakest == 8


@pytest.mark.django_db(transaction=True)
def test_reports_arriving_as_the_window_closes_are_counted_or_refused_never_lost():
    skip_on_sqlite()
    release = published_release(items=3)
    items, idea = items_of(release), upcoming_idea(release.product)
    reports.open_window(release=release, now=SATURDAY)
    fans = [UserFactory() for _ in range(12)]
    last_second = CLOSES - timedelta(seconds=1)
    calls = [report_call(release, fan, items, idea, now=last_second) for fan in fans]
    calls.insert(6, lambda: tally.freeze_release(release_id=release.pk, now=CLOSES))
    run_at_once(calls)
    rows = Report.objects.filter(release=release)
    frozen = ReleaseTally.objects.get(pk=release.pk)
    assert frozen.frozen_at == CLOSES
    assert frozen.report_count == rows.count()
    assert ItemTally.objects.get(item=items[0]).loved == rows.count()


def test_a_report_after_the_freeze_is_refused_even_with_a_clock_behind():
    release = published_release()
    items, idea = items_of(release), upcoming_idea(release.product)
    reports.open_window(release=release, now=SATURDAY)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    with pytest.raises(ReportRefused, match="closed"):
        reports.submit_report(
            release=release,
            fan=UserFactory(),
            mood=HAPPY,
            loved=items[0],
            weakest=items[1],
            awaited=idea,
            now=CLOSES - timedelta(seconds=1),
        )
    assert not Report.objects.exists()
