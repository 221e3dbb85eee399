"""Polls in idea threads: product managers ask, fans answer once, the poll closes once and its result
is posted in the thread.

Every write is one transaction that starts with a conditional UPDATE on the
poll's row: a ballot claims "still open" (``closed_at IS NULL AND closes_at >
now``) and a close claims "not closed yet" (``closed_at IS NULL``). On
PostgreSQL the two queue on the row lock, so a ballot either commits before
the close (and is counted in the frozen result) or finds the poll closed;
none slips in between. The unique (poll, user) constraint has the last word
on "one ballot per fan". The option counts move with F() beside the rows and
are rebuilt from the BallotChoice rows when the poll closes.

Who is told: after the close commits, a task tells the poll's voters, the
thread's followers and (in an idea's thread) the idea's voters, once each
(notification key ``poll:<id>:closed``), but not the product manager who
closed it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _, ngettext

import outbox
from canyu import counters
from canyu.text import plain_markdown
from forum import access, pagecache, posting
from forum.models import Thread, ThreadFollow
from honour import points
from ideas.models import Idea, IdeaVote
from ideas.statuses import MANAGE_IDEAS, notify_audience
from notifications.models import Kind as NotificationKind
from polls.models import OPTION_MAX, OPTIONS_MAX, OPTIONS_MIN, QUESTION_MAX, Ballot, BallotChoice, Poll, PollOption
from releases.models import Product

logger = logging.getLogger(__name__)

# Ideas that may still go into a build: a poll's candidate features.
UPCOMING = [Idea.Status.NEW, Idea.Status.UNDER_REVIEW, Idea.Status.PLANNED]
OPEN_AT_LEAST = timedelta(minutes=5)
OPEN_AT_MOST = timedelta(days=30)
# Polls closed per tick at most; the rest wait a minute.
CLOSE_PER_TICK = 200


class PollRefused(Exception):
    """A rule said no; the message is for the person who tried."""


def may_manage_polls(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE_IDEAS)


def access_poll(user, poll_id: int) -> Poll:
    """The poll, with its thread and board, or 404 if it does not exist or its thread is not for ``user``."""
    poll = get_object_or_404(Poll, pk=poll_id)
    poll.thread = access.access_thread(user, poll.thread_id)
    return poll


def product_of_thread(thread: Thread) -> Product | None:
    """The product a poll's candidate ideas come from: the thread's idea's, else its board's."""
    idea = Idea.objects.filter(thread_id=thread.pk).select_related("product").first()
    if idea is not None:
        return idea.product
    return Product.objects.filter(ideas_board_id=thread.board_id).first()


def upcoming_ideas(product: Product):
    """Ideas of ``product`` a poll may offer, most votes first."""
    return (
        Idea.objects.filter(product=product, status__in=UPCOMING, thread__hidden=False)
        .select_related("thread")
        .order_by("-vote_count", "-id")
    )


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --- Opening -----------------------------------------------------------------


@transaction.atomic(durable=True)
def open_poll(
    *,
    thread: Thread,
    by,
    question: str,
    choice: str,
    results: str,
    closes_at: datetime,
    labels=(),
    ideas=(),
    now: datetime | None = None,
) -> Poll:
    """Open a poll in an ideas thread, with its answers: first the candidate ``ideas`` (Idea rows or
    ids; each answer is labelled with its idea's title), then the free ``labels``, in the given order.

    Refused, with nothing written: for anyone but product managers; in threads
    they may not read, outside ideas boards, in locked or hidden threads; for
    fewer than 2 or more than 10 answers, an empty or overlong answer, two
    answers alike (ignoring case and spaces), an idea that is not an upcoming
    idea of the thread's product; a closing time less than 5 minutes or more
    than 30 days ahead.
    """
    if not may_manage_polls(by):
        raise PollRefused(_("Only product managers may open polls."))
    now = now or timezone.now()
    # Locked on PostgreSQL: a lock or a hide that commits first is seen here.
    held = Thread.objects.select_for_update(of=("self",)).select_related("board").filter(pk=thread.pk).first()
    if held is None or not access.may_read(by, held.board):
        raise PollRefused(_("This thread does not exist or you may not read it."))
    thread = held
    if not thread.board.holds_ideas:
        raise PollRefused(_("Polls can only be opened in threads of ideas boards."))
    if thread.locked or thread.hidden:
        raise PollRefused(_("This thread is locked or hidden: no new polls."))
    question = _one_line(question)
    if not question or len(question) > QUESTION_MAX:
        raise PollRefused(_("Ask a question of 1 to %(max)d characters.") % {"max": QUESTION_MAX})
    if choice not in Poll.Choice.values or results not in Poll.Results.values:
        raise PollRefused(_("Choose whether fans give one answer or several, and when the results are shown."))
    _check_closing_time(closes_at, now)
    answers = _answers(thread, ideas, labels)
    poll = Poll.objects.create(
        thread=thread,
        question=question,
        choice=choice,
        results=results,
        opened_by=by,
        created_at=now,
        closes_at=closes_at,
    )
    PollOption.objects.bulk_create(
        [
            PollOption(poll=poll, position=position, label=label, idea=idea)
            for position, (label, idea) in enumerate(answers, start=1)
        ]
    )
    pagecache.changed(thread_ids=[thread.pk])
    return poll


def _check_closing_time(closes_at, now: datetime) -> None:
    if not isinstance(closes_at, datetime) or timezone.is_naive(closes_at):
        raise PollRefused(_("Give the closing time as a date and a time."))
    if closes_at < now + OPEN_AT_LEAST:
        raise PollRefused(_("The poll must stay open at least 5 minutes."))
    if closes_at > now + OPEN_AT_MOST:
        raise PollRefused(_("A poll can stay open at most 30 days."))


def _answers(thread: Thread, ideas, labels) -> list[tuple[str, Idea | None]]:
    answers: list[tuple[str, Idea | None]] = [
        (idea.thread.title[:OPTION_MAX], idea) for idea in _candidate_ideas(thread, ideas)
    ]
    for label in labels:
        label = _one_line(label)
        if not label:
            raise PollRefused(_("An answer cannot be empty."))
        if len(label) > OPTION_MAX:
            raise PollRefused(
                _("An answer can have at most %(max)d characters: “%(label)s…”")
                % {"max": OPTION_MAX, "label": label[:40]}
            )
        answers.append((label, None))
    if not OPTIONS_MIN <= len(answers) <= OPTIONS_MAX:
        raise PollRefused(
            _("A poll needs %(min)d to %(max)d answers; this one has %(count)d.")
            % {"min": OPTIONS_MIN, "max": OPTIONS_MAX, "count": len(answers)}
        )
    seen = set()
    for label, _idea in answers:
        if label.casefold() in seen:
            raise PollRefused(_("“%(label)s” is there twice: each answer must be different.") % {"label": label})
        seen.add(label.casefold())
    return answers


def _candidate_ideas(thread: Thread, ideas) -> list[Idea]:
    wanted = [getattr(idea, "pk", idea) for idea in ideas]
    if not wanted:
        return []
    product = product_of_thread(thread)
    if product is None:
        raise PollRefused(_("This thread belongs to no product: give the answers as text."))
    found = {idea.pk: idea for idea in upcoming_ideas(product).filter(pk__in=wanted)}
    for idea_id in wanted:
        if idea_id not in found:
            raise PollRefused(
                _("Only ideas of %(product)s that are new, under review or planned can be answers.")
                % {"product": product.name}
            )
    return [found[idea_id] for idea_id in wanted]


# --- Answering ---------------------------------------------------------------


@transaction.atomic(durable=True)
def cast_ballot(*, poll: Poll, user, option_ids) -> Ballot:
    """Record the user's one and final ballot: exactly one answer in a single-answer poll, at least
    one in a multiple-answer poll, each an answer of this poll.

    Refused, with nothing written, for visitors who are not signed in, other
    polls' answers, a closed poll (or one whose time is up), a second ballot.
    """
    if not user.is_authenticated:
        raise PollRefused(_("Sign in to answer the poll."))
    chosen = _chosen_ids(poll, option_ids)
    now = timezone.now()
    # The claim: the poll is still open, and on PostgreSQL its row stays locked
    # until this ballot commits, so a close waits for it (and counts it).
    claimed = Poll.objects.filter(pk=poll.pk, closed_at__isnull=True, closes_at__gt=now).update(
        ballot_count=F("ballot_count") + 1
    )
    if claimed != 1:
        raise PollRefused(_("This poll has closed: it takes no more answers."))
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(poll=poll, user=user, created_at=now)
    except IntegrityError:
        # Raising rolls back the claim too: nothing changed.
        raise PollRefused(_("You have already answered this poll.")) from None
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, option_id=option_id) for option_id in chosen])
    PollOption.objects.filter(pk__in=chosen).update(vote_count=F("vote_count") + 1)
    points.grant_points(user_id=user.pk, kind=points.Kind.BALLOT_CAST, cause=poll, now=now)
    if poll.results == Poll.Results.LIVE:
        pagecache.changed(thread_ids=[poll.thread_id])
    return ballot


def _chosen_ids(poll: Poll, option_ids) -> list[int]:
    not_an_answer = PollRefused(_("That is not an answer of this poll."))
    try:
        chosen = sorted({int(option_id) for option_id in option_ids})
    except (TypeError, ValueError):
        raise not_an_answer from None
    if any(not 0 < option_id < 2**63 for option_id in chosen):
        raise not_an_answer
    if poll.choice == Poll.Choice.SINGLE and len(chosen) != 1:
        raise PollRefused(_("Choose one answer."))
    if not chosen:
        raise PollRefused(_("Choose at least one answer."))
    if len(chosen) > OPTIONS_MAX or set(
        PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True)
    ) != set(chosen):
        raise not_an_answer
    return chosen


# --- Closing -----------------------------------------------------------------


@dataclass
class Result:
    """A closed poll's outcome: its answers in order with their counts, the winners (several on a tie)."""

    ballots: int
    options: list[PollOption]
    winners: list[PollOption]


@transaction.atomic(durable=True)
def close_poll(*, poll: Poll, by=None, now: datetime | None = None) -> bool:
    """Close the poll, freeze its counts (rebuilt from the ballots) and post the result in its thread.

    True only for the one call that closed it, however many workers and
    product managers try at once. ``by`` is the product manager closing it
    early (None for the minute's tick); they are not notified. The result is
    posted in the name of the product manager who opened the poll; if that
    account is gone there is no one to post as, and the result is shown in the
    poll's box (and in the notifications) only.
    """
    if by is not None and not may_manage_polls(by):
        raise PollRefused(_("Only product managers may close polls."))
    now = now or timezone.now()
    if Poll.objects.filter(pk=poll.pk, closed_at__isnull=True).update(closed_at=now) != 1:
        return False
    result = freeze_result(poll.pk)
    poll = Poll.objects.select_related("thread", "opened_by").get(pk=poll.pk)
    if poll.opened_by is not None:
        post = posting.add_reply(thread=poll.thread, author=poll.opened_by, source=result_markdown(poll, result))
        Poll.objects.filter(pk=poll.pk).update(result_post=post)
    pagecache.changed(thread_ids=[poll.thread_id])
    outbox.enqueue("polls.tasks.notify_poll_result", poll.pk, by.pk if by is not None else None)
    logger.info("Poll %s closed with %s ballots", poll.pk, result.ballots)
    return True


def close_due_polls(*, now: datetime | None = None) -> int:
    """The minute's tick: close the open polls whose time is up, each in its own transaction and at
    most once. Returns how many this call closed."""
    now = now or timezone.now()
    due = list(
        Poll.objects.filter(closed_at__isnull=True, closes_at__lte=now).order_by("closes_at", "pk")[:CLOSE_PER_TICK]
    )
    return sum(close_poll(poll=poll, now=now) for poll in due)


def freeze_result(poll_id: int) -> Result:
    """Set the poll's counts from its rows (the truth) and return its result."""
    counters.recount(
        PollOption.objects.filter(poll_id=poll_id),
        field="vote_count",
        actual=counters.count_of(BallotChoice.objects.all(), "option"),
    )
    counters.recount(
        Poll.objects.filter(pk=poll_id), field="ballot_count", actual=counters.count_of(Ballot.objects.all(), "poll")
    )
    return result_of(Poll.objects.get(pk=poll_id), list(PollOption.objects.filter(poll_id=poll_id)))


def result_of(poll: Poll, options: list[PollOption]) -> Result:
    top = max((option.vote_count for option in options), default=0)
    winners = [option for option in options if top and option.vote_count == top]
    return Result(ballots=poll.ballot_count, options=options, winners=winners)


def percent(votes: int, ballots: int) -> int:
    """Share of the ballots that chose an answer (in a multiple-answer poll the shares add up to more)."""
    return round(100 * votes / ballots) if ballots else 0


def winner_text(result: Result) -> str:
    """“Dark mode” with 12 votes; a tie names every winner; no ballots say so."""
    if not result.winners:
        return _("nobody answered")
    votes = result.winners[0].vote_count
    names = ", ".join(f"“{option.label}”" for option in result.winners)
    if len(result.winners) == 1:
        return ngettext("%(answers)s with %(votes)d vote", "%(answers)s with %(votes)d votes", votes) % {
            "answers": names,
            "votes": votes,
        }
    return ngettext(
        "a tie between %(answers)s, with %(votes)d vote each",
        "a tie between %(answers)s, with %(votes)d votes each",
        votes,
    ) % {"answers": names, "votes": votes}


def result_markdown(poll: Poll, result: Result) -> str:
    """The result post, in the site's language (a post has one text for everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("**Poll closed:** %(question)s") % {"question": plain_markdown(poll.question)}, ""]
        for option in result.options:
            share = percent(option.vote_count, result.ballots)
            lines.append(
                "- "
                + ngettext(
                    "%(answer)s: %(votes)d vote (%(percent)d%%)",
                    "%(answer)s: %(votes)d votes (%(percent)d%%)",
                    option.vote_count,
                )
                % {"answer": plain_markdown(option.label), "votes": option.vote_count, "percent": share}
            )
        lines.append("")
        lines.append(_("Result: %(winner)s.") % {"winner": plain_markdown(winner_text(result))})
        lines.append(
            ngettext("%(count)d fan answered.", "%(count)d fans answered.", result.ballots) % {"count": result.ballots}
        )
    return "\n".join(lines)


# --- Telling the fans ----------------------------------------------------------


def notify_poll_result(*, poll_id: int, closer_id: int | None = None) -> int:
    """Tell the poll's voters, the thread's followers and, in an idea's thread, the idea's voters,
    who may still read the thread, about the result, once each and in batches; not the closer.

    Safe to run again (a retried task): notify() inserts only the missing rows
    of the key. Nobody is told about a poll in a hidden thread. Returns how many
    fans were offered.
    """
    poll = Poll.objects.select_related("thread__board").filter(pk=poll_id, closed_at__isnull=False).first()
    if poll is None or poll.thread.hidden:
        return 0
    thread = poll.thread
    readers = _readers(list(thread.board.read_roles.values_list("pk", flat=True)))
    audiences = [Ballot.objects.filter(readers, poll_id=poll.pk), ThreadFollow.objects.filter(readers, thread=thread)]
    idea_id = Idea.objects.filter(thread=thread).values_list("pk", flat=True).first()
    if idea_id is not None:
        audiences.append(IdeaVote.objects.filter(readers, idea_id=idea_id))
    result = result_of(poll, list(PollOption.objects.filter(poll=poll)))
    with translation.override(settings.LANGUAGE_CODE):
        params = {"question": poll.question, "winner": winner_text(result)}
    return notify_audience(
        audiences=audiences,
        skip_id=closer_id,
        kind=NotificationKind.POLL,
        key=f"poll:{poll.pk}:closed",
        params=params,
        url=f"{thread.get_absolute_url()}#poll-{poll.pk}",
    )


def _readers(role_ids: list[int]) -> Q:
    """Rows whose user may still read a board with these read roles (forum.access.may_read)."""
    active = Q(user__is_active=True)
    if not role_ids:
        return active
    return active & (Q(user__is_superuser=True) | Q(user__groups__in=role_ids))
