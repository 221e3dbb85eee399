"""The polls box above an ideas thread's posts, and what it reads.

A fixed number of queries whatever the number of polls and answers: the
thread's polls, their answers (one prefetch), the viewer's ballots (one query,
none for visitors); none at all outside ideas boards. Anonymous pages are
cached whole (forum.pagecache): polls.polling moves the thread's version when a
poll opens, closes, or takes a ballot whose results are live.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from ideas import panel
from polls.models import BallotChoice, Poll, PollOption
from polls.polling import may_manage_polls, percent


@dataclass
class AnswerRow:
    option: PollOption
    percent: int
    chosen: bool
    won: bool


@dataclass
class PollBox:
    """One poll as this viewer sees it."""

    poll: Poll
    rows: list[AnswerRow] = field(default_factory=list)
    answered: bool = False
    may_answer: bool = False
    ended: bool = False  # closed, or its time is up and the minute's tick has not closed it yet
    show_results: bool = False
    hidden_from_fans: bool = False  # results a product manager sees before fans do


def chosen_options(user, poll_ids: list[int]) -> dict[int, set[int]]:
    """The answers of the viewer's ballots, by poll: one query, none for visitors.
    Served by the unique (poll, user) index of ballots."""
    if not user.is_authenticated or not poll_ids:
        return {}
    chosen: dict[int, set[int]] = {}
    rows = BallotChoice.objects.filter(ballot__user=user, ballot__poll_id__in=poll_ids)
    for poll_id, option_id in rows.values_list("ballot__poll_id", "option_id"):
        chosen.setdefault(poll_id, set()).add(option_id)
    return chosen


def poll_boxes(user, polls, *, manager: bool) -> list[PollBox]:
    """``polls`` (a queryset) as boxes for ``user``: two or three queries in all."""
    # The answers with their ideas (for the link to each candidate's thread) in one prefetch.
    options = Prefetch("options", queryset=PollOption.objects.select_related("idea").order_by("position"))
    polls = list(polls.order_by("created_at", "pk").prefetch_related(options))
    chosen = chosen_options(user, [poll.pk for poll in polls])
    now = timezone.now()
    return [_box(poll, chosen.get(poll.pk, set()), user=user, manager=manager, now=now) for poll in polls]


def _box(poll: Poll, chosen: set[int], *, user, manager: bool, now) -> PollBox:
    ended = poll.is_closed or poll.closes_at <= now
    visible_to_fans = poll.is_closed or poll.results == Poll.Results.LIVE
    options = list(poll.options.all())
    top = max((option.vote_count for option in options), default=0) if poll.is_closed else 0
    rows = [
        AnswerRow(
            option=option,
            percent=percent(option.vote_count, poll.ballot_count),
            chosen=option.pk in chosen,
            won=bool(top) and option.vote_count == top,
        )
        for option in options
    ]
    return PollBox(
        poll=poll,
        rows=rows,
        answered=bool(chosen),
        ended=ended,
        may_answer=user.is_authenticated and not chosen and not ended,
        show_results=visible_to_fans or manager,
        hidden_from_fans=manager and not visible_to_fans,
    )


def may_open_poll_in(thread) -> bool:
    return not (thread.locked or thread.hidden)


def poll_panel(request, thread):
    """Nothing (and no query) on threads without an idea (ideas.panel.concerns); the thread's polls,
    and for product managers a link to open one, on those with one."""
    if not panel.concerns(thread):
        return None
    manager = may_manage_polls(request.user)
    boxes = poll_boxes(request.user, Poll.objects.filter(thread=thread), manager=manager)
    may_open = manager and may_open_poll_in(thread)
    if not boxes and not may_open:
        return None
    return render_to_string(
        "polls/_panel.html",
        {"boxes": boxes, "thread": thread, "may_open": may_open, "manager": manager},
        request=request,
    )


def render_poll_box(request, poll: Poll, *, error: str = "") -> str:
    """One poll's box again (the answer's htmx response), with ``error`` shown in it."""
    manager = may_manage_polls(request.user)
    box = poll_boxes(request.user, Poll.objects.filter(pk=poll.pk), manager=manager)[0]
    return render_to_string("polls/_poll.html", {"box": box, "error": error, "manager": manager}, request=request)
