"""Points: each source gives them once, in its own transaction; reversals take them back; daily caps,
serial voting and self-votes give nothing; the total is the ledger's sum, and the recount says so."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback.tests.reporting import SATURDAY, published_release, submit
from feedback.tests.test_loop import plan_and_build
from forum import liking, moderation
from forum.tests.factories import make_thread
from honour import points
from honour.models import DayTotal, PeriodTotal, PointEntry, Standing
from ideas import statuses, voting
from ideas.tests.factories import make_idea
from polls.tests.test_polls import answer, open_test_poll
from releases import publishing
from releases.tests.factories import announcements_board
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db
Kind = PointEntry.Kind


def total(user) -> int:
    return Standing.objects.filter(pk=user.pk).values_list("points", flat=True).first() or 0


def ledger(user) -> list[tuple[str, int, str]]:
    return list(PointEntry.objects.filter(user=user).order_by("pk").values_list("kind", "amount", "withheld"))


def first_post(thread):
    return thread.posts.get(floor=1)


def tally(user) -> int | None:
    """The user's tally of likes' points today, as the daily cap reads it."""
    today = points.day_of(datetime.now().astimezone())
    return DayTotal.objects.filter(user=user, day=today, kind=Kind.LIKED).values_list("points", flat=True).first()


# --- Likes ------------------------------------------------------------------------


def test_a_like_from_someone_else_gives_the_author_points(settings):
    thread = make_thread()
    liker = UserFactory()
    liking.toggle_like(post=first_post(thread), user=liker)
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]
    assert ledger(thread.author) == [(Kind.LIKED, settings.HONOUR_POINTS["liked"], "")]
    assert total(liker) == 0


def test_taking_a_like_back_takes_its_points_back():
    thread = make_thread()
    liker = UserFactory()
    liking.toggle_like(post=first_post(thread), user=liker)
    liking.toggle_like(post=first_post(thread), user=liker)
    assert total(thread.author) == 0
    assert ledger(thread.author) == []


def test_liking_again_after_taking_it_back_gives_the_points_once(settings):
    thread = make_thread()
    liker = UserFactory()
    for _ in range(3):
        liking.toggle_like(post=first_post(thread), user=liker)
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]


def test_hiding_a_post_takes_back_the_points_of_its_likes(settings):
    thread = make_thread(replies=1)
    reply = thread.posts.get(floor=2)
    for _ in range(2):
        liking.toggle_like(post=reply, user=UserFactory())
    assert total(thread.author) == 2 * settings.HONOUR_POINTS["liked"]
    moderation.set_post_hidden(post=reply, moderator=UserFactory(roles=[Role.MODERATOR]), hidden=True)
    assert total(thread.author) == 0
    assert not PointEntry.objects.exists()


def test_a_cause_granted_twice_gives_its_points_once(settings):
    thread = make_thread()
    giver = UserFactory()
    post = first_post(thread)
    with transaction.atomic():
        assert points.grant_points(user_id=thread.author_id, kind=Kind.LIKED, cause=post, giver_id=giver.pk)
        assert points.grant_points(user_id=thread.author_id, kind=Kind.LIKED, cause=post, giver_id=giver.pk) is None
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]


def test_points_from_oneself_are_nothing():
    thread = make_thread()
    with transaction.atomic():
        assert (
            points.grant_points(
                user_id=thread.author_id, kind=Kind.LIKED, cause=first_post(thread), giver_id=thread.author_id
            )
            is None
        )
    assert not PointEntry.objects.exists()


# --- Idea votes, shipping ----------------------------------------------------------


def test_a_vote_for_an_idea_gives_its_author_points_and_taking_it_back_takes_them(settings):
    author, voter = UserFactory(), UserFactory()
    idea = make_idea(author=author, votes=[voter])
    assert total(author) == settings.HONOUR_POINTS["idea_voted"]
    voting.toggle_vote(idea=idea, user=voter)
    assert total(author) == 0


def test_hiding_an_idea_thread_takes_back_its_votes_points(settings):
    settings.FORUM_DUPLICATE_SECONDS = 0  # two ideas by one author with the factory's same text
    author = UserFactory()
    idea = make_idea(author=author, votes=[UserFactory(), UserFactory()])
    other = make_idea(author=author, votes=[UserFactory()])
    assert total(author) == 3 * settings.HONOUR_POINTS["idea_voted"]
    moderation.set_thread_flag(thread=idea.thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="hide_thread")
    assert total(author) == settings.HONOUR_POINTS["idea_voted"]  # the other idea's vote stays
    assert list(PointEntry.objects.filter(user=author).values_list("cause_id", flat=True)) == [other.pk]


def test_a_vote_for_ones_own_idea_gives_no_points():
    author = UserFactory()
    make_idea(author=author, votes=[author])
    assert total(author) == 0
    assert not PointEntry.objects.exists()


# --- Taking part: reports and ballots ----------------------------------------------


@time_machine.travel(SATURDAY, tick=False)
def test_a_four_cell_report_gives_points_once_however_often_it_is_changed(settings):
    release = published_release()
    fan = UserFactory(date_joined=SATURDAY - timedelta(days=400))
    submit(release, fan)
    submit(release, fan, loved=1, weakest=2)
    assert ledger(fan) == [(Kind.REPORT_FILED, settings.HONOUR_POINTS["report_filed"], "")]


def test_a_ballot_gives_points(settings):
    poll = open_test_poll()
    fan = UserFactory()
    answer(poll, fan, "Dark mode")
    assert total(fan) == settings.HONOUR_POINTS["ballot_cast"]


# --- Caps and serial voting --------------------------------------------------------


def test_past_the_daily_cap_a_cause_is_recorded_with_no_points(settings):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": 4}
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    thread = make_thread(replies=2)
    for post in thread.posts.order_by("floor"):
        liking.toggle_like(post=post, user=UserFactory())
    assert total(thread.author) == 4
    assert [row[1:] for row in ledger(thread.author)] == [(2, ""), (2, ""), (0, "cap")]


def test_the_cap_is_reckoned_in_shanghai_days(settings):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": 2}
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    thread = make_thread(replies=2)
    posts = list(thread.posts.order_by("floor"))
    with time_machine.travel(datetime.fromisoformat("2026-12-04T23:59:59+08:00"), tick=False):
        liking.toggle_like(post=posts[0], user=UserFactory())
        liking.toggle_like(post=posts[1], user=UserFactory())  # the same Shanghai day: capped
    with time_machine.travel(datetime.fromisoformat("2026-12-05T00:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[2], user=UserFactory())  # the next one
    assert [row[1:] for row in ledger(thread.author)] == [(2, ""), (0, "cap"), (2, "")]


def test_the_cap_reads_the_days_tally_not_the_ledger(settings):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": 4}
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    thread = make_thread(replies=1)
    posts = list(thread.posts.order_by("floor"))
    liking.toggle_like(post=posts[0], user=UserFactory())
    assert tally(thread.author) == 2
    DayTotal.objects.filter(user=thread.author).update(points=4)  # as if two likes had given their points
    liking.toggle_like(post=posts[1], user=UserFactory())
    assert [row[1:] for row in ledger(thread.author)] == [(2, ""), (0, "cap")]


def test_taking_a_like_back_frees_its_place_under_the_cap(settings):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": 4}
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    thread = make_thread(replies=2)
    posts = list(thread.posts.order_by("floor"))
    fans = [UserFactory() for _ in posts]
    liking.toggle_like(post=posts[0], user=fans[0])
    liking.toggle_like(post=posts[1], user=fans[1])
    liking.toggle_like(post=posts[1], user=fans[1])  # taken back
    assert tally(thread.author) == 2
    liking.toggle_like(post=posts[2], user=fans[2])
    assert tally(thread.author) == 4
    assert [row[1:] for row in ledger(thread.author)] == [(2, ""), (2, "")]


def test_taking_back_yesterdays_like_frees_no_place_today(settings):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": 4}
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    thread = make_thread(replies=3)
    posts = list(thread.posts.order_by("floor"))
    yesterday = UserFactory()
    with time_machine.travel(datetime.fromisoformat("2026-12-04T23:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[0], user=yesterday)
    with time_machine.travel(datetime.fromisoformat("2026-12-05T09:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[1], user=UserFactory())
        liking.toggle_like(post=posts[2], user=UserFactory())
        liking.toggle_like(post=posts[0], user=yesterday)  # taken back from the 4th's tally
        liking.toggle_like(post=posts[3], user=UserFactory())
    assert [row[1:] for row in ledger(thread.author)] == [(2, ""), (2, ""), (0, "cap")]
    days = dict(DayTotal.objects.filter(user=thread.author).values_list("day", "points"))
    assert {str(day): total for day, total in days.items()} == {"2026-12-04": 0, "2026-12-05": 4}


def test_serial_likes_beyond_the_limit_give_no_points(settings):
    settings.HONOUR_SERIAL_LIMIT = 2
    thread = make_thread(replies=3)
    fan = UserFactory()
    for post in thread.posts.order_by("floor"):
        liking.toggle_like(post=post, user=fan)
    assert [row[2] for row in ledger(thread.author)] == ["", "", "serial", "serial"]
    assert total(thread.author) == 2 * settings.HONOUR_POINTS["liked"]


def test_serial_likes_spread_beyond_the_window_count(settings):
    settings.HONOUR_SERIAL_LIMIT = 2
    thread = make_thread(replies=2)
    fan = UserFactory()
    start = datetime.fromisoformat("2026-12-01T10:00:00+08:00")
    for hours, post in enumerate(thread.posts.order_by("floor")):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            liking.toggle_like(post=post, user=fan)
    assert [row[2] for row in ledger(thread.author)] == ["", "", ""]


# --- The counter and its recount -----------------------------------------------------


def test_the_recount_rebuilds_points_from_the_ledger(settings):
    thread = make_thread()
    liking.toggle_like(post=first_post(thread), user=UserFactory())
    Standing.objects.filter(pk=thread.author_id).update(points=999, level=6)
    assert points.recount_standings() == 2  # points, then the level
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]
    assert Standing.objects.get(pk=thread.author_id).level == 1
    assert points.recount_standings() == 0


def test_the_recount_corrects_a_drifted_day_tally(settings):
    thread = make_thread()
    liking.toggle_like(post=first_post(thread), user=UserFactory())
    DayTotal.objects.filter(user=thread.author).update(points=999)
    assert points.recount_day_totals(now=timezone.now()) == 1
    assert tally(thread.author) == settings.HONOUR_POINTS["liked"]
    assert points.recount_day_totals(now=timezone.now()) == 0


def test_the_recount_makes_a_missing_day_tally_and_deletes_earlier_days(settings):
    thread = make_thread(replies=1)
    posts = list(thread.posts.order_by("floor"))
    with time_machine.travel(datetime.fromisoformat("2026-12-04T12:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[0], user=UserFactory())
    with time_machine.travel(datetime.fromisoformat("2026-12-05T12:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[1], user=UserFactory())
        DayTotal.objects.filter(day=date(2026, 12, 5)).delete()
        assert points.recount_day_totals(now=timezone.now()) == 1
    days = dict(DayTotal.objects.filter(user=thread.author).values_list("day", "points"))
    assert days == {date(2026, 12, 5): settings.HONOUR_POINTS["liked"]}


def test_the_recount_makes_missing_standings(settings):
    thread = make_thread()
    liking.toggle_like(post=first_post(thread), user=UserFactory())
    Standing.objects.all().delete()
    points.recount_standings()
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]


@pytest.mark.django_db(transaction=True)
def test_likes_at_once_count_every_point_and_hold_to_the_cap(settings):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": 6}
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    thread = make_thread(replies=4)
    posts = list(thread.posts.order_by("floor"))
    fans = [UserFactory() for _ in posts]
    run_at_once(
        [lambda p=post, f=fan: liking.toggle_like(post=p, user=f) for post, fan in zip(posts, fans, strict=True)]
    )
    assert total(thread.author) == 6
    assert sum(amount for _kind, amount, _w in ledger(thread.author)) == 6


@pytest.mark.django_db(transaction=True)
def test_one_cause_granted_at_once_gives_its_points_once(settings):
    thread = make_thread()
    post, giver = first_post(thread), UserFactory()

    def grant():
        with transaction.atomic():
            return points.grant_points(user_id=thread.author_id, kind=Kind.LIKED, cause=post, giver_id=giver.pk)

    written = run_at_once([grant for _ in range(4)])
    assert sum(entry is not None for entry in written) == 1
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]
    assert tally(thread.author) == settings.HONOUR_POINTS["liked"]


# --- Statements per grant: flat however many points the receiver had today ----------


def grant_a_like(thread, post):
    return points.grant_points(user_id=thread.author_id, kind=Kind.LIKED, cause=post, giver_id=UserFactory().pk)


def test_a_grant_to_someone_with_all_rows_is_six_statements(settings, django_assert_num_queries):
    thread = make_thread()
    post = first_post(thread)
    with transaction.atomic():
        grant_a_like(thread, post)  # the standing, the day's tally and the period totals made
        fan = UserFactory()
        # standing FOR UPDATE; the cause's entry, today's tally, serial voting, the address; the entry;
        # the standing's points; the tally; the week's, month's and season's totals in one UPDATE
        with django_assert_num_queries(6):
            points.grant_points(user_id=thread.author_id, kind=Kind.LIKED, cause=post, giver_id=fan.pk)
    assert total(thread.author) == tally(thread.author) == 2 * settings.HONOUR_POINTS["liked"]
    assert set(PeriodTotal.objects.filter(user=thread.author).values_list("points", flat=True)) == {
        2 * settings.HONOUR_POINTS["liked"]
    }


def test_a_grant_past_the_cap_is_three_statements(settings, django_assert_num_queries):
    settings.HONOUR_DAILY_CAPS = {**settings.HONOUR_DAILY_CAPS, "liked": settings.HONOUR_POINTS["liked"]}
    thread = make_thread()
    post = first_post(thread)
    with transaction.atomic():
        grant_a_like(thread, post)
        fan = UserFactory()
        # standing FOR UPDATE; the cause's entry, today's tally, serial voting, the address; the entry
        with django_assert_num_queries(3):
            entry = points.grant_points(user_id=thread.author_id, kind=Kind.LIKED, cause=post, giver_id=fan.pk)
    assert entry is not None and entry.withheld == PointEntry.Withheld.CAP


def test_a_grant_makes_the_missing_period_totals_and_moves_the_others(settings):
    thread = make_thread()
    post = first_post(thread)
    with time_machine.travel(datetime.fromisoformat("2026-12-04T12:00:00+08:00"), tick=False):
        liking.toggle_like(post=post, user=UserFactory())
        PeriodTotal.objects.filter(user=thread.author, period="m2026-12").delete()
        liking.toggle_like(post=post, user=UserFactory())
    liked = settings.HONOUR_POINTS["liked"]
    periods = dict(PeriodTotal.objects.filter(user=thread.author).values_list("period", "points"))
    assert periods == {"w2026-11-30": 2 * liked, "m2026-12": liked, "s2026Q4": 2 * liked}


def test_taking_back_likes_of_two_weeks_moves_each_weeks_total_by_its_own(settings):
    thread = make_thread(replies=2)
    posts = list(thread.posts.order_by("floor"))
    with time_machine.travel(datetime.fromisoformat("2026-11-27T12:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[0], user=UserFactory())
    with time_machine.travel(datetime.fromisoformat("2026-12-04T12:00:00+08:00"), tick=False):
        liking.toggle_like(post=posts[1], user=UserFactory())
        liking.toggle_like(post=posts[2], user=UserFactory())
        moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="hide_thread")
    periods = dict(PeriodTotal.objects.filter(user=thread.author).values_list("period", "points"))
    assert periods == {"w2026-11-23": 0, "w2026-11-30": 0, "m2026-11": 0, "m2026-12": 0, "s2026Q4": 0}


def test_an_idea_shipped_gives_its_author_points_once(settings, django_capture_on_commit_callbacks):
    author = UserFactory()
    idea = make_idea(author=author)
    release = plan_and_build(idea, django_capture_on_commit_callbacks)
    announcements_board()
    publishing.publish_release(release=release, immediately=True)
    assert statuses.ship_released_ideas() == 1
    assert statuses.ship_released_ideas() == 0
    assert ledger(author) == [(Kind.IDEA_SHIPPED, settings.HONOUR_POINTS["idea_shipped"], "")]


def test_hiding_a_thread_takes_back_the_points_of_its_posts_likes(settings):
    thread = make_thread(replies=1)
    for post in thread.posts.all():
        liking.toggle_like(post=post, user=UserFactory())
    other = make_thread(author=thread.author, source="Another first post")
    liking.toggle_like(post=first_post(other), user=UserFactory())
    assert total(thread.author) == 3 * settings.HONOUR_POINTS["liked"]
    moderation.set_thread_flag(thread=thread, moderator=UserFactory(roles=[Role.MODERATOR]), kind="hide_thread")
    assert total(thread.author) == settings.HONOUR_POINTS["liked"]  # the other thread's like stays


# --- Accounts from one address ------------------------------------------------------


def test_a_like_between_accounts_from_one_address_is_flagged_not_withheld(settings, client):
    thread = make_thread()
    User = type(thread.author)
    User.objects.filter(pk=thread.author.pk).update(signup_network="net-a")
    twin, stranger = UserFactory(), UserFactory()
    User.objects.filter(pk=twin.pk).update(signup_network="net-a")
    User.objects.filter(pk=stranger.pk).update(signup_network="net-b")
    liking.toggle_like(post=first_post(thread), user=twin)
    liking.toggle_like(post=first_post(thread), user=stranger)
    flagged = dict(PointEntry.objects.filter(user=thread.author).values_list("giver_id", "same_network"))
    assert flagged == {twin.pk: True, stranger.pk: False}
    assert total(thread.author) == 2 * settings.HONOUR_POINTS["liked"]

    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    html = client.get("/honour/serial/").content.decode()
    assert f">{twin.username}</a>" in html and f">{stranger.username}</a>" not in html


def test_accounts_with_no_known_address_are_never_flagged():
    thread = make_thread()
    liking.toggle_like(post=first_post(thread), user=UserFactory())
    assert not PointEntry.objects.filter(same_network=True).exists()
