"""Polls: who may open one and where, its answers and closing time, one final ballot per fan,
closing exactly once with a frozen result posted in the thread, and who is told."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import following, moderation
from forum.models import Post, Thread
from forum.tests.factories import BoardFactory, make_thread
from ideas import statuses
from ideas.models import Idea
from ideas.tests.factories import make_idea, make_pm
from notifications import preferences
from notifications.models import EmailChoice, Kind, Notification
from polls import polling
from polls.models import Ballot, BallotChoice, Poll, PollOption
from polls.polling import PollRefused
from releases.tests.factories import ProductFactory
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


# --- Helpers (also used by test_polls_views) -----------------------------------


def ideas_board(**fields):
    return BoardFactory(holds_ideas=True, **fields)


def idea_in_ideas_board(**fields):
    fields.setdefault("board", ideas_board())
    return make_idea(**fields)


def open_test_poll(
    *,
    thread=None,
    by=None,
    labels=("Dark mode", "Bigger font"),
    ideas=(),
    choice="single",
    results="after_close",
    closes_in=timedelta(days=2),
    question="Which of these next Friday?",
):
    thread = thread or idea_in_ideas_board().thread
    return polling.open_poll(
        thread=thread,
        by=by or make_pm(),
        question=question,
        choice=choice,
        results=results,
        closes_at=timezone.now() + closes_in,
        labels=labels,
        ideas=ideas,
    )


def options_of(poll):
    return list(PollOption.objects.filter(poll=poll).order_by("position"))


def counts(poll):
    """(ballot count, each answer's count, ballot rows, choice rows) as stored."""
    poll = Poll.objects.get(pk=poll.pk)
    return (
        poll.ballot_count,
        [option.vote_count for option in options_of(poll)],
        Ballot.objects.filter(poll=poll).count(),
        BallotChoice.objects.filter(ballot__poll=poll).count(),
    )


def answer(poll, user, *labels):
    ids = [option.pk for option in options_of(poll) if option.label in labels]
    return polling.cast_ballot(poll=poll, user=user, option_ids=ids)


def told(poll):
    return sorted(
        Notification.objects.filter(kind=Kind.POLL, key=f"poll:{poll.pk}:closed").values_list("recipient_id", flat=True)
    )


def nothing_written():
    return not Poll.objects.exists() and not PollOption.objects.exists()


# --- Opening -------------------------------------------------------------------


def test_a_product_manager_opens_a_poll_with_its_answers_in_order():
    idea, pm = idea_in_ideas_board(), make_pm()
    poll = open_test_poll(
        thread=idea.thread, by=pm, labels=["  Dark   mode ", "Bigger font", "Both"], choice="multiple", results="live"
    )
    assert (poll.thread, poll.opened_by, poll.choice, poll.results, poll.closed_at) == (
        idea.thread,
        pm,
        Poll.Choice.MULTIPLE,
        Poll.Results.LIVE,
        None,
    )
    assert [(option.position, option.label) for option in options_of(poll)] == [
        (1, "Dark mode"),
        (2, "Bigger font"),
        (3, "Both"),
    ]


def test_a_fan_cannot_open_a_poll():
    thread = idea_in_ideas_board().thread
    with pytest.raises(PollRefused, match="Only product managers"):
        open_test_poll(thread=thread, by=UserFactory())
    assert nothing_written()


def test_a_poll_outside_an_ideas_board_is_refused():
    with pytest.raises(PollRefused, match="ideas boards"):
        open_test_poll(thread=make_thread())
    assert nothing_written()


def test_a_poll_in_a_board_the_product_manager_may_not_read_is_refused():
    from django.contrib.auth.models import Group

    thread = idea_in_ideas_board().thread
    thread.board.read_roles.set([Group.objects.get(name=Role.MODERATOR.value)])
    with pytest.raises(PollRefused, match="may not read"):
        open_test_poll(thread=thread)
    assert nothing_written()


@pytest.mark.parametrize("action", ["lock", "hide_thread"])
def test_a_poll_in_a_locked_or_hidden_thread_is_refused(action):
    thread = idea_in_ideas_board().thread
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind=action)
    with pytest.raises(PollRefused, match="locked or hidden"):
        open_test_poll(thread=thread)
    assert nothing_written()


@pytest.mark.parametrize("labels", [["Only one"], [f"Answer {n}" for n in range(11)]])
def test_fewer_than_two_or_more_than_ten_answers_are_refused(labels):
    with pytest.raises(PollRefused, match="2 to 10 answers"):
        open_test_poll(labels=labels)
    assert nothing_written()


def test_ten_answers_are_accepted():
    assert len(options_of(open_test_poll(labels=[f"Answer {n}" for n in range(10)]))) == 10


def test_an_empty_answer_is_refused():
    with pytest.raises(PollRefused, match="cannot be empty"):
        open_test_poll(labels=["Dark mode", "   ", "Bigger font"])
    assert nothing_written()


def test_an_answer_over_120_characters_is_refused_and_120_accepted():
    with pytest.raises(PollRefused, match="at most 120 characters"):
        open_test_poll(labels=["Dark mode", "长" * 121])
    assert nothing_written()
    assert options_of(open_test_poll(labels=["Dark mode", "长" * 120]))[1].label == "长" * 120


def test_the_same_answer_twice_ignoring_case_and_spaces_is_refused():
    with pytest.raises(PollRefused, match="twice"):
        open_test_poll(labels=["Dark mode", " DARK  mode"])
    assert nothing_written()


@pytest.mark.parametrize("question", ["   ", "?" * 201])
def test_an_empty_or_overlong_question_is_refused(question):
    with pytest.raises(PollRefused, match="question"):
        open_test_poll(question=question)
    assert nothing_written()


@pytest.mark.parametrize(("choice", "results"), [("several", "live"), ("single", "never")])
def test_unknown_kinds_of_poll_are_refused(choice, results):
    with pytest.raises(PollRefused, match="one answer or several"):
        open_test_poll(choice=choice, results=results)
    assert nothing_written()


@pytest.mark.parametrize(
    ("closes_in", "accepted"),
    [
        (timedelta(minutes=5) - timedelta(seconds=1), False),
        (timedelta(minutes=5), True),
        (timedelta(days=30), True),
        (timedelta(days=30, seconds=1), False),
    ],
)
def test_the_closing_time_is_5_minutes_to_30_days_ahead(closes_in, accepted):
    thread, now = idea_in_ideas_board().thread, timezone.now()
    call = lambda: polling.open_poll(  # noqa: E731
        thread=thread,
        by=make_pm(),
        question="When?",
        choice="single",
        results="live",
        closes_at=now + closes_in,
        labels=["A", "B"],
        now=now,
    )
    if accepted:
        assert call().closes_at == now + closes_in
    else:
        with pytest.raises(PollRefused, match=r"5 minutes|30 days"):
            call()
        assert nothing_written()


def test_a_closing_time_without_a_zone_is_refused():
    thread = idea_in_ideas_board().thread
    with pytest.raises(PollRefused, match="date and a time"):
        polling.open_poll(
            thread=thread,
            by=make_pm(),
            question="When?",
            choice="single",
            results="live",
            closes_at=(timezone.now() + timedelta(days=1)).replace(tzinfo=None),
            labels=["A", "B"],
        )
    assert nothing_written()


def test_upcoming_ideas_of_the_same_product_are_answers_labelled_with_their_titles():
    idea = idea_in_ideas_board()
    candidate = make_idea(product=idea.product, title="Night mode for the camera")
    planned = make_idea(product=idea.product, title="A quicker lock screen")
    statuses.set_status(idea=planned, by=make_pm(), status=Idea.Status.UNDER_REVIEW, note="")
    poll = open_test_poll(thread=idea.thread, ideas=[candidate, planned.pk], labels=["Neither"])
    assert [(option.label, option.idea_id) for option in options_of(poll)] == [
        ("Night mode for the camera", candidate.pk),
        ("A quicker lock screen", planned.pk),
        ("Neither", None),
    ]


def test_an_idea_of_another_product_is_refused():
    idea = idea_in_ideas_board()
    with pytest.raises(PollRefused, match="new, under review or planned"):
        open_test_poll(thread=idea.thread, ideas=[make_idea()], labels=["Neither"])
    assert nothing_written()


def test_a_declined_idea_is_refused():
    idea = idea_in_ideas_board()
    declined = make_idea(product=idea.product)
    statuses.set_status(idea=declined, by=make_pm(), status=Idea.Status.DECLINED, note="Not for this phone.")
    with pytest.raises(PollRefused, match="new, under review or planned"):
        open_test_poll(thread=idea.thread, ideas=[declined], labels=["Neither"])
    assert nothing_written()


def test_an_idea_and_a_text_answer_alike_are_refused():
    idea = idea_in_ideas_board()
    candidate = make_idea(product=idea.product, title="Night mode for the camera")
    with pytest.raises(PollRefused, match="twice"):
        open_test_poll(thread=idea.thread, ideas=[candidate], labels=["night mode for the camera"])
    assert nothing_written()


def test_in_a_products_ideas_board_the_candidates_come_from_that_product():
    board = ideas_board()
    product = ProductFactory(ideas_board=board)
    thread = make_thread(board=board, title="Next Friday's build")
    candidate = make_idea(product=product)
    poll = open_test_poll(thread=thread, ideas=[candidate], labels=["Neither"])
    assert options_of(poll)[0].idea_id == candidate.pk


def test_ideas_in_a_thread_of_no_product_are_refused():
    thread = make_thread(board=ideas_board(), title="General chat")
    with pytest.raises(PollRefused, match="no product"):
        open_test_poll(thread=thread, ideas=[make_idea()], labels=["Neither"])
    assert nothing_written()


# --- Answering -----------------------------------------------------------------


def test_a_ballot_counts_one_answer():
    poll, fan = open_test_poll(), UserFactory()
    answer(poll, fan, "Bigger font")
    assert counts(poll) == (1, [0, 1], 1, 1)


@pytest.mark.parametrize("labels", [(), ("Dark mode", "Bigger font")])
def test_a_single_answer_poll_needs_exactly_one_answer(labels):
    poll = open_test_poll()
    with pytest.raises(PollRefused, match="Choose one answer"):
        answer(poll, UserFactory(), *labels)
    assert counts(poll) == (0, [0, 0], 0, 0)


def test_a_multiple_answer_poll_takes_several_answers_and_needs_one():
    poll = open_test_poll(choice="multiple", labels=["A", "B", "C"])
    with pytest.raises(PollRefused, match="at least one"):
        answer(poll, UserFactory())
    answer(poll, UserFactory(), "A", "C")
    assert counts(poll) == (1, [1, 0, 1], 1, 2)


def test_an_answer_of_another_poll_is_refused_and_nothing_changes():
    poll, other = open_test_poll(), open_test_poll()
    with pytest.raises(PollRefused, match="not an answer of this poll"):
        polling.cast_ballot(poll=poll, user=UserFactory(), option_ids=[options_of(other)[0].pk])
    assert counts(poll) == (0, [0, 0], 0, 0) and counts(other) == (0, [0, 0], 0, 0)


@pytest.mark.parametrize("option_ids", [["abc"], [None], ["0"], [str(2**63)]])
def test_an_answer_that_is_no_answer_id_is_refused(option_ids):
    poll = open_test_poll()
    with pytest.raises(PollRefused, match="not an answer of this poll"):
        polling.cast_ballot(poll=poll, user=UserFactory(), option_ids=option_ids)
    assert counts(poll) == (0, [0, 0], 0, 0)


def test_a_second_ballot_is_refused_and_the_first_stands():
    poll, fan = open_test_poll(choice="multiple"), UserFactory()
    answer(poll, fan, "Dark mode")
    with pytest.raises(PollRefused, match="already answered"):
        answer(poll, fan, "Bigger font")
    assert counts(poll) == (1, [1, 0], 1, 1)


def test_a_visitor_cannot_answer():
    from django.contrib.auth.models import AnonymousUser

    poll = open_test_poll()
    with pytest.raises(PollRefused, match="Sign in"):
        polling.cast_ballot(poll=poll, user=AnonymousUser(), option_ids=[options_of(poll)[0].pk])
    assert counts(poll) == (0, [0, 0], 0, 0)


def test_a_poll_whose_time_is_up_takes_no_ballot_before_the_tick_closes_it():
    poll = open_test_poll(closes_in=timedelta(minutes=10))
    with time_machine.travel(poll.closes_at), pytest.raises(PollRefused, match="has closed"):
        answer(poll, UserFactory(), "Dark mode")
    assert counts(poll) == (0, [0, 0], 0, 0)


def test_a_poll_takes_a_ballot_one_second_before_its_time():
    poll = open_test_poll(closes_in=timedelta(minutes=10))
    with time_machine.travel(poll.closes_at - timedelta(seconds=1)):
        answer(poll, UserFactory(), "Dark mode")
    assert counts(poll) == (1, [1, 0], 1, 1)


# --- Closing -------------------------------------------------------------------


def test_closing_freezes_the_result_and_a_later_ballot_is_refused():
    poll = open_test_poll()
    answer(poll, UserFactory(), "Dark mode")
    assert polling.close_poll(poll=poll) is True
    with pytest.raises(PollRefused, match="has closed"):
        answer(poll, UserFactory(), "Bigger font")
    assert counts(poll) == (1, [1, 0], 1, 1)
    assert Poll.objects.get(pk=poll.pk).closed_at is not None


def test_closing_rebuilds_drifted_counts_from_the_ballots():
    poll = open_test_poll()
    answer(poll, UserFactory(), "Dark mode")
    answer(poll, UserFactory(), "Dark mode")
    PollOption.objects.filter(poll=poll).update(vote_count=7)
    Poll.objects.filter(pk=poll.pk).update(ballot_count=9)
    polling.close_poll(poll=poll)
    assert counts(poll) == (2, [2, 0], 2, 2)


def test_a_poll_closes_once_with_one_result_post():
    poll = open_test_poll()
    first_close = Poll.objects.get(pk=poll.pk)
    assert polling.close_poll(poll=poll) is True
    closed_at = Poll.objects.get(pk=poll.pk).closed_at
    assert polling.close_poll(poll=first_close) is False
    assert Poll.objects.get(pk=poll.pk).closed_at == closed_at
    assert Post.objects.filter(thread=poll.thread).count() == 2  # the idea's first post and the result


def test_the_result_is_posted_in_the_thread_by_the_opener_with_counts_and_winner():
    pm = make_pm()
    poll = open_test_poll(by=pm, question="Which *first*?", labels=["Dark mode", "Bigger [font](x)", "Both"])
    answer(poll, UserFactory(), "Dark mode")
    answer(poll, UserFactory(), "Dark mode")
    answer(poll, UserFactory(), "Both")
    polling.close_poll(poll=poll)
    poll.refresh_from_db()
    post = poll.result_post
    assert (post.thread_id, post.author) == (poll.thread_id, pm)
    for line in [
        "Which *first*?",
        "Dark mode: 2 votes (67%)",
        "Bigger [font](x): 0 votes (0%)",
        "Both: 1 vote (33%)",
        "Result: “Dark mode” with 2 votes.",
        "3 fans answered.",
    ]:
        assert line in post.html
    thread = Thread.objects.get(pk=poll.thread_id)
    assert (thread.reply_count, thread.last_poster) == (1, pm)


def test_a_tie_names_every_winner():
    poll = open_test_poll(labels=["A", "B", "C"])
    answer(poll, UserFactory(), "A")
    answer(poll, UserFactory(), "C")
    polling.close_poll(poll=poll)
    poll.refresh_from_db()
    assert "a tie between “A”, “C”, with 1 vote each" in poll.result_post.html


def test_a_poll_nobody_answered_says_so():
    poll = open_test_poll()
    polling.close_poll(poll=poll)
    poll.refresh_from_db()
    assert "Result: nobody answered." in poll.result_post.html


def test_the_result_is_posted_in_a_thread_locked_meanwhile():
    poll = open_test_poll()
    moderation.set_thread_flag(thread=poll.thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="lock")
    polling.close_poll(poll=poll)
    assert Poll.objects.get(pk=poll.pk).result_post is not None


def test_without_its_opener_the_poll_closes_without_a_result_post():
    pm = make_pm()
    poll = open_test_poll(by=pm)
    pm.delete()
    poll.refresh_from_db()
    assert polling.close_poll(poll=poll) is True
    poll.refresh_from_db()
    assert poll.closed_at is not None and poll.result_post is None


def test_a_fan_cannot_close_a_poll():
    poll = open_test_poll()
    with pytest.raises(PollRefused, match="Only product managers"):
        polling.close_poll(poll=poll, by=UserFactory())
    assert Poll.objects.get(pk=poll.pk).closed_at is None


def test_the_tick_closes_only_polls_whose_time_is_up():
    due = open_test_poll(closes_in=timedelta(minutes=6))
    later = open_test_poll(closes_in=timedelta(minutes=7))
    assert polling.close_due_polls(now=due.closes_at) == 1
    assert polling.close_due_polls(now=due.closes_at) == 0
    assert Poll.objects.get(pk=due.pk).closed_at == due.closes_at
    assert Poll.objects.get(pk=later.pk).closed_at is None


def test_the_close_task_runs_the_tick():
    from polls import tasks

    poll = open_test_poll(closes_in=timedelta(minutes=6))
    with time_machine.travel(poll.closes_at + timedelta(seconds=1)):
        assert tasks.close_due_polls.delay().get() == 1
    assert Poll.objects.get(pk=poll.pk).closed_at is not None


# --- Who is told ---------------------------------------------------------------


def test_voters_followers_and_idea_voters_are_told_once_and_the_closer_not(django_capture_on_commit_callbacks):
    poll_voter, follower, idea_voter, everything = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    idea = idea_in_ideas_board(votes=[idea_voter, everything])
    pm = make_pm()
    poll = open_test_poll(thread=idea.thread, by=pm)
    answer(poll, poll_voter, "Dark mode")
    answer(poll, everything, "Dark mode")
    answer(poll, pm, "Bigger font")
    for fan in (follower, everything, pm):
        following.follow_thread(user=fan, thread=idea.thread)
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_poll(poll=poll, by=pm)
    polling.notify_poll_result(poll_id=poll.pk, closer_id=pm.pk)  # a redelivered task
    expected = sorted([poll_voter.pk, follower.pk, idea_voter.pk, everything.pk, idea.thread.author_id])
    assert told(poll) == expected
    assert Notification.objects.filter(kind=Kind.POLL).count() == len(expected)
    message = Notification.objects.get(recipient=poll_voter).message
    assert message == "The poll “Which of these next Friday?” has closed: “Dark mode” with 2 votes"


def test_a_poll_closed_by_the_tick_tells_its_opener_too(django_capture_on_commit_callbacks):
    pm = make_pm()
    poll = open_test_poll(by=pm, closes_in=timedelta(minutes=6))
    answer(poll, pm, "Dark mode")
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_due_polls(now=poll.closes_at)
    assert pm.pk in told(poll)


def test_the_fan_out_walks_in_batches(settings, django_capture_on_commit_callbacks):
    settings.VOTING_NOTIFY_BATCH = 2
    fans = [UserFactory() for _ in range(5)]
    idea = idea_in_ideas_board(votes=fans[:2])
    poll = open_test_poll(thread=idea.thread)
    for fan in fans[1:4]:
        answer(poll, fan, "Dark mode")
    following.follow_thread(user=fans[4], thread=idea.thread)
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_poll(poll=poll)
    assert told(poll) == sorted([fan.pk for fan in fans] + [idea.thread.author_id])


def test_followers_who_may_no_longer_read_the_board_are_not_told(django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    staff = Group.objects.get(name=Role.MODERATOR.value)
    board = ideas_board()
    moderator, fan = UserFactory(roles=[Role.MODERATOR]), UserFactory()
    thread = make_thread(board=board, author=moderator)
    poll = open_test_poll(thread=thread)
    answer(poll, fan, "Dark mode")
    board.read_roles.set([staff])  # the board became staff-only after the fan answered
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_poll(poll=poll)
    assert told(poll) == [moderator.pk]


def test_nobody_is_told_about_a_poll_in_a_hidden_thread(django_capture_on_commit_callbacks):
    poll = open_test_poll()
    answer(poll, UserFactory(), "Dark mode")
    moderation.set_thread_flag(thread=poll.thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="hide_thread")
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_poll(poll=poll)
    assert told(poll) == []


@pytest.mark.parametrize(("choice", "mails"), [(EmailChoice.IMMEDIATE, 1), (EmailChoice.OFF, 0), (None, 0)])
def test_a_voters_email_preference_is_respected(choice, mails, django_capture_on_commit_callbacks):
    voter = UserFactory()
    if choice:
        preferences.save_email_choices(user_id=voter.pk, choices={Kind.POLL: choice})
    poll = open_test_poll()
    answer(poll, voter, "Dark mode")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_poll(poll=poll)
    assert len([message for message in mail.outbox if voter.email in message.to]) == mails
    assert Notification.objects.filter(recipient=voter, kind=Kind.POLL).count() == 1


# --- Races (PostgreSQL) ----------------------------------------------------------


def _skip_on_sqlite():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_one_fans_ballots_at_once_make_one_ballot():
    _skip_on_sqlite()
    poll, fan = open_test_poll(choice="multiple"), UserFactory()
    ids = [option.pk for option in options_of(poll)]

    def cast(option_id):
        try:
            polling.cast_ballot(poll=poll, user=fan, option_ids=[option_id])
            return "cast"
        except PollRefused as refusal:
            return str(refusal)

    results = run_at_once([lambda option_id=ids[n % 2]: cast(option_id) for n in range(6)])
    assert results.count("cast") == 1
    assert set(results) - {"cast"} == {"You have already answered this poll."}
    ballots, option_counts, ballot_rows, choice_rows = counts(poll)
    assert (ballots, sum(option_counts), ballot_rows, choice_rows) == (1, 1, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_ballots_racing_a_close_are_counted_exactly_when_they_got_in():
    _skip_on_sqlite()
    poll = open_test_poll(choice="multiple", labels=["A", "B", "C"])
    fans = [UserFactory() for _ in range(12)]
    ids = [option.pk for option in options_of(poll)]

    def cast(fan, n):
        try:
            polling.cast_ballot(poll=poll, user=fan, option_ids=ids[: 1 + n % 3])
        except PollRefused:
            return "refused"
        return "cast"

    calls = [lambda fan=fan, n=n: cast(fan, n) for n, fan in enumerate(fans)]
    calls += [lambda: polling.close_poll(poll=poll), lambda: polling.close_poll(poll=poll)]
    results = run_at_once(calls)
    assert sorted(results[-2:]) == [False, True]  # closed exactly once
    ballots, option_counts, ballot_rows, _choices = counts(poll)
    assert ballots == ballot_rows == results.count("cast")
    assert option_counts == [BallotChoice.objects.filter(option_id=option_id).count() for option_id in ids]
    # The result post names the frozen counts.
    post = Poll.objects.get(pk=poll.pk).result_post
    for option_id, count in zip(ids, option_counts, strict=True):  # one count per id
        label = PollOption.objects.get(pk=option_id).label
        assert f"- {label}: {count} vote" in post.source
    assert f"\n{ballots} fan" in post.source
