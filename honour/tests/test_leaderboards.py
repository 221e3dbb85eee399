"""Leaderboards: points since the week, month or season began (Shanghai days), fans and engineers
apart, most first, paged at a fixed number of queries."""

from datetime import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import liking
from forum.tests.factories import make_thread
from honour import pages, points
from honour.models import PeriodTotal, PointEntry

pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2026-12-04T12:00:00+08:00")  # a Friday


def give(user, amount, at, cause_id):
    """An entry and its period totals, as honour.points writes them."""
    PointEntry.objects.create(
        user=user,
        kind=PointEntry.Kind.BALLOT_CAST,
        amount=amount,
        cause_type=ContentType.objects.get_for_model(PointEntry),
        cause_id=cause_id,
        created_at=at,
    )
    points.recount_period_totals(now=at)


@pytest.mark.parametrize(
    "period, start",
    [
        ("week", "2026-11-30T00:00:00+08:00"),
        ("month", "2026-12-01T00:00:00+08:00"),
        ("season", "2026-10-01T00:00:00+08:00"),
    ],
)
def test_a_period_starts_at_shanghai_midnight(period, start):
    assert pages.period_start(period, NOW) == datetime.fromisoformat(start)


def test_this_weeks_board_counts_this_weeks_points_most_first():
    ada, bo = UserFactory(), UserFactory()
    give(ada, 3, datetime.fromisoformat("2026-12-01T09:00:00+08:00"), 1)
    give(bo, 5, datetime.fromisoformat("2026-12-02T09:00:00+08:00"), 2)
    give(ada, 50, datetime.fromisoformat("2026-11-29T23:59:59+08:00"), 3)  # last week
    page = pages.leaderboard(period="week", crowd="fans", page=None, now=NOW)
    assert [(row["user_id"], row["points"]) for row in page.rows] == [(bo.pk, 5), (ada.pk, 3)]


def test_engineers_and_fans_have_boards_of_their_own():
    fan, engineer = UserFactory(), UserFactory(roles=[Role.ENGINEER])
    give(fan, 3, NOW, 1)
    give(engineer, 4, NOW, 2)
    fans = pages.leaderboard(period="week", crowd="fans", page=None, now=NOW)
    engineers = pages.leaderboard(period="week", crowd="engineers", page=None, now=NOW)
    assert [row["user_id"] for row in fans.rows] == [fan.pk]
    assert [row["user_id"] for row in engineers.rows] == [engineer.pk]


@pytest.mark.parametrize("people", [1, 60])
def test_the_page_costs_the_same_queries_however_many_people(client, django_assert_num_queries, people):
    for n in range(people):
        give(UserFactory(), n + 1, NOW, n)
    # a page of the period's totals (one more than shown) with their names
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(1):
        html = client.get(reverse("honour:leaderboard") + "?period=month").content.decode()
    assert html.count('<li><a href="/u/') == min(people, 50)
    assert ('rel="next"' in html) is (people > 50)


def test_the_engineers_board_links_the_popcorn_season_table(client):
    html = client.get(reverse("honour:leaderboard") + "?crowd=engineers").content.decode()
    assert reverse("feedback:awards") in html


def test_a_like_and_its_withdrawal_move_this_weeks_total(settings):
    thread = make_thread()
    liker = UserFactory()
    post = thread.posts.get(floor=1)
    liking.toggle_like(post=post, user=liker)
    key = points.period_bounds("week", timezone.now())[0]
    assert PeriodTotal.objects.get(period=key, user=thread.author).points == settings.HONOUR_POINTS["liked"]
    liking.toggle_like(post=post, user=liker)
    assert PeriodTotal.objects.get(period=key, user=thread.author).points == 0


def test_the_recount_rebuilds_the_period_totals():
    ada = UserFactory()
    give(ada, 3, timezone.now(), 1)
    PeriodTotal.objects.all().delete()
    assert points.recount_period_totals(now=timezone.now()) == 3  # made at 0, then set: week, month, season
    assert set(PeriodTotal.objects.values_list("points", flat=True)) == {3}


@pytest.mark.parametrize(
    "moment, week, month, season",
    [
        ("2026-12-31T23:59:59+08:00", "w2026-12-28", "m2026-12", "s2026Q4"),
        ("2027-01-01T00:00:00+08:00", "w2026-12-28", "m2027-01", "s2027Q1"),
        ("2026-12-31T16:00:00+00:00", "w2026-12-28", "m2027-01", "s2027Q1"),  # already 1 January in Shanghai
    ],
)
def test_periods_turn_at_shanghai_midnight_and_year_end(moment, week, month, season):
    at = datetime.fromisoformat(moment)
    assert [points.period_bounds(period, at)[0] for period in points.PERIODS] == [week, month, season]
    _key, start, end = points.period_bounds("season", at)
    assert start <= at < end
