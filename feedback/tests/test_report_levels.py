"""A fan's level: both the posts and the days of a level, stored on each report when it is saved."""

from datetime import datetime, timedelta

import pytest

from feedback.levels import level_of

NOW = datetime.fromisoformat("2026-11-21T12:00:00+08:00")


@pytest.mark.parametrize(
    ("posts", "days", "level"),
    [
        (0, 0, 1),
        (5, 7, 2),
        (4, 400, 1),  # an old account that never posts stays a newcomer
        (500, 6, 1),  # a week-old account that posts a lot is not a veteran yet
        (30, 30, 3),
        (29, 30, 2),
        (100, 90, 4),
        (300, 180, 5),
        (1000, 365, 6),
        (999, 3650, 5),
    ],
)
def test_the_level_needs_both_the_posts_and_the_days(posts, days, level):
    assert level_of(post_count=posts, date_joined=NOW - timedelta(days=days), now=NOW) == level


def test_an_account_from_the_future_is_a_newcomer():
    assert level_of(post_count=50, date_joined=NOW + timedelta(hours=1), now=NOW) == 1
