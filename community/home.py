"""What the home page shows besides boards and builds: the way to this week's report or award, the
countdown, open polls, latest and hot threads. A fixed number of queries whoever reads it.

Hot means the most replies in the last HOT_HOURS hours (posts not hidden, in threads not hidden).
The three lists are the same for every reader of the same boards: they are cached for
HOME_LISTS_SECONDS under a key made of those boards' ids (content-addressed by audience), so a
reader never sees a thread of a board they may not read, and a new thread shows within a minute.
"""

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count

from feedback.loop import report_steps
from forum.models import Post, Thread
from polls.models import Poll
from releases.pages import home_releases

HOT_HOURS = 48
HOME_LISTS_SECONDS = 60
LATEST_SHOWN = HOT_SHOWN = POLLS_SHOWN = 5


def readable_board_ids(boards) -> list[int]:
    """The ids of the boards the home page lists (forum.pages.board_list: top boards and their children)."""
    ids = set()
    for board in boards:
        ids.add(board.pk)
        ids.update(child.pk for child in board.children.all())
    return sorted(ids)


def latest_threads(board_ids: list[int]) -> list[dict]:
    return list(
        Thread.objects.filter(board_id__in=board_ids, hidden=False)
        .order_by("-last_activity_at", "-id")
        .values("id", "title", "reply_count", "last_activity_at", "board__name")[:LATEST_SHOWN]
    )


def hot_threads(board_ids: list[int], now: datetime) -> list[dict]:
    """The threads with the most replies in the last HOT_HOURS hours; two queries. Only threads active
    since then can have any, which keeps the count to recent rows."""
    since = now - timedelta(hours=HOT_HOURS)
    counts = list(
        Post.objects.filter(
            thread__board_id__in=board_ids,
            thread__hidden=False,
            thread__last_activity_at__gte=since,
            created_at__gte=since,
            hidden=False,
            deleted_at=None,
            floor__gt=1,
        )
        .values("thread_id")
        .annotate(recent=Count("id"))
        .order_by("-recent", "-thread_id")[:HOT_SHOWN]
    )
    if not counts:
        return []
    threads = {
        row["id"]: row
        for row in Thread.objects.filter(pk__in=[row["thread_id"] for row in counts]).values(
            "id", "title", "reply_count", "last_activity_at", "board__name"
        )
    }
    return [{**threads[row["thread_id"]], "recent": row["recent"]} for row in counts if row["thread_id"] in threads]


def open_polls(board_ids: list[int], now: datetime) -> list[Mapping[str, Any]]:
    """Polls still taking answers, closing soonest first (served by the index voting_poll_due)."""
    return list(
        Poll.objects.filter(closed_at=None, closes_at__gt=now, thread__hidden=False, thread__board_id__in=board_ids)
        .order_by("closes_at", "id")
        .values("id", "question", "closes_at", "thread_id", "thread__title")[:POLLS_SHOWN]
    )


def discussion_lists(board_ids: list[int], now: datetime) -> dict:
    """The latest threads, the hot ones and the open polls of these boards; cached briefly."""
    audience = hashlib.blake2b(",".join(map(str, board_ids)).encode(), digest_size=12).hexdigest()
    key = f"home:lists:{audience}"
    lists = cache.get(key)
    if lists is None:
        lists = {
            "latest_threads": latest_threads(board_ids),
            "hot_threads": hot_threads(board_ids, now),
            "open_polls": open_polls(board_ids, now),
        }
        cache.set(key, lists, HOME_LISTS_SECONDS)
    return lists


def home_page(user, boards, now: datetime) -> dict:
    releases = home_releases(now)
    steps = report_steps(user, releases["current_builds"], now)
    for release in releases["current_builds"]:
        release.report_step = steps.get(release.pk)
    return {
        "boards": boards,
        **releases,
        "report_banners": [step for step in steps.values() if step.banner],
        **discussion_lists(readable_board_ids(boards), now),
    }
