"""Windows opened by the tick, the voters of shipped ideas invited, the Tuesday reminder claimed once."""

from datetime import datetime, timedelta

import pytest
import time_machine

from accounts.tests.factories import UserFactory
from feedback import notices, reports, tally
from feedback.models import ReleaseTally
from feedback.tests.reporting import CLOSES, FRIDAY, SATURDAY, items_of, published_release, submit
from ideas import statuses
from ideas.models import Idea
from ideas.tests.factories import make_idea, make_pm
from notifications.models import Kind, Notification
from releases.models import Release
from releases.tests.factories import follow

pytestmark = pytest.mark.django_db
TUESDAY_MORNING = datetime.fromisoformat("2026-11-24T10:00:00+08:00")


def told(key):
    return sorted(Notification.objects.filter(kind=Kind.REPORT, key=key).values_list("recipient_id", flat=True))


def test_the_tick_opens_the_window_of_a_weekly_release_just_published():
    release = published_release()
    assert reports.open_windows(now=FRIDAY + timedelta(minutes=1)) == 1
    assert ReleaseTally.objects.get(pk=release.pk).closes_at == CLOSES
    assert reports.open_windows(now=FRIDAY + timedelta(minutes=2)) == 0


def test_the_tick_leaves_stable_releases_and_windows_long_closed():
    published_release(channel=Release.Channel.STABLE)
    published_release(publish_at=FRIDAY - timedelta(days=7))  # its window closed last Wednesday
    assert reports.open_windows(now=SATURDAY) == 0
    assert not ReleaseTally.objects.exists()


@time_machine.travel(SATURDAY, tick=False)
def test_the_voters_of_an_idea_shipped_in_the_release_are_invited_once(django_capture_on_commit_callbacks):
    release = published_release()
    ada, bo, cy = UserFactory(username="ada"), UserFactory(username="bob"), UserFactory(username="cyd")
    shipped = make_idea(product=release.product, votes=[ada, bo])
    other = make_idea(product=release.product, votes=[cy])
    statuses.set_status(idea=shipped, by=make_pm(), status=Idea.Status.IN_BUILD, changelog_item=items_of(release)[0])
    statuses.ship_released_ideas()
    with django_capture_on_commit_callbacks(execute=True):
        reports.open_windows(now=SATURDAY)
    key = f"report:{release.pk}:invitation"
    assert told(key) == sorted([ada.pk, bo.pk])
    assert other.vote_count == 1 and cy.pk not in told(key)
    notice = Notification.objects.filter(key=key).first()
    assert notice.url == f"/report/{release.product.slug}/{release.version}/"
    assert notice.params == {
        "product": release.product.name,
        "version": release.version,
        "closes": "2026-11-24 23:59 (UTC+8)",
    }
    assert ReleaseTally.objects.get(pk=release.pk).invited_at is not None
    assert notices.invite_voters(release_id=release.pk, now=SATURDAY) == 2
    assert Notification.objects.filter(key=key).count() == 2


@time_machine.travel(TUESDAY_MORNING, tick=False)
def test_the_reminder_goes_on_tuesday_morning_to_followers_who_have_not_reported(django_capture_on_commit_callbacks):
    release = published_release()
    reported, silent, stranger = UserFactory(), UserFactory(), UserFactory()
    follow(release.product, [reported, silent])
    submit(release, reported)
    assert notices.remind_due(now=TUESDAY_MORNING - timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.remind_due(now=TUESDAY_MORNING) == 1
    assert told(f"report:{release.pk}:reminder") == [silent.pk]
    assert stranger.pk not in told(f"report:{release.pk}:reminder")
    assert notices.remind_due(now=TUESDAY_MORNING + timedelta(minutes=1)) == 0
    assert Notification.objects.filter(key=f"report:{release.pk}:reminder").count() == 1


def test_no_reminder_for_a_window_already_frozen():
    release = published_release()
    follow(release.product, [UserFactory()])
    reports.open_window(release=release, now=SATURDAY)
    ReleaseTally.objects.filter(pk=release.pk).update(closes_at=SATURDAY + timedelta(hours=1))
    tally.freeze_release(release_id=release.pk, now=SATURDAY + timedelta(hours=1))
    assert notices.remind_due(now=TUESDAY_MORNING) == 0
    assert told(f"report:{release.pk}:reminder") == []


def test_a_reminder_claimed_but_not_sent_is_sent_again_by_a_later_tick(django_capture_on_commit_callbacks):
    release = published_release()
    fan = UserFactory()
    follow(release.product, [fan])
    reports.open_window(release=release, now=SATURDAY)
    # A worker claimed it and died before the fan-out ran.
    ReleaseTally.objects.filter(pk=release.pk).update(reminded_at=TUESDAY_MORNING)
    with time_machine.travel(TUESDAY_MORNING + timedelta(minutes=1), tick=False):
        assert notices.remind_due() == 0
    assert told(f"report:{release.pk}:reminder") == []
    # The fan-out is sent once the tick commits.
    with (
        time_machine.travel(TUESDAY_MORNING + timedelta(minutes=6), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notices.remind_due()
    assert told(f"report:{release.pk}:reminder") == [fan.pk]
