"""Leaderboards: points since the week, month or season began (Shanghai days), fans and engineers
apart, most first, paged at a fixed number of queries."""

from datetime import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from honour import pages
from honour.models import PointEntry

pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2026-12-04T12:00:00+08:00")  # a Friday


def give(user, amount, at, cause_id):
    PointEntry.objects.create(
        user=user,
        kind=PointEntry.Kind.BALLOT_CAST,
        amount=amount,
        cause_type=ContentType.objects.get_for_model(PointEntry),
        cause_id=cause_id,
        created_at=at,
    )


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
    assert [(row["user_id"], row["total"]) for row in page.object_list] == [(bo.pk, 5), (ada.pk, 3)]


def test_engineers_and_fans_have_boards_of_their_own():
    fan, engineer = UserFactory(), UserFactory(roles=[Role.ENGINEER])
    give(fan, 3, NOW, 1)
    give(engineer, 4, NOW, 2)
    fans = pages.leaderboard(period="week", crowd="fans", page=None, now=NOW)
    engineers = pages.leaderboard(period="week", crowd="engineers", page=None, now=NOW)
    assert [row["user_id"] for row in fans.object_list] == [fan.pk]
    assert [row["user_id"] for row in engineers.object_list] == [engineer.pk]


@pytest.mark.parametrize("people", [1, 60])
def test_the_page_costs_the_same_queries_however_many_people(client, django_assert_num_queries, people):
    for n in range(people):
        give(UserFactory(), n + 1, NOW, n)
    # the count of people with points, a page of them with their names
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(2):
        html = client.get(reverse("honour:leaderboard") + "?period=month").content.decode()
    assert html.count('<li><a href="/u/') == min(people, 50)


def test_the_engineers_board_links_the_popcorn_season_table(client):
    html = client.get(reverse("honour:leaderboard") + "?crowd=engineers").content.decode()
    assert reverse("feedback:awards") in html
