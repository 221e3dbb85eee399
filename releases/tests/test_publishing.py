from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from forum.models import Board, Thread
from notifications.models import Kind, Notification
from releases import changelog, preparing, publishing, tasks
from releases.models import ChangelogItem, Release
from releases.preparing import ReleaseRefused
from releases.tests.factories import (
    FeatureAreaFactory,
    ProductFactory,
    announcements_board,
    follow,
    make_engineer,
    make_publisher,
    make_release,
)
from tests.concurrency import run_at_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


MONDAY = datetime.fromisoformat("2026-11-23 10:00:00+08:00")
FRIDAY_17 = datetime.fromisoformat("2026-11-27 17:00:00+08:00")
ONE_SECOND = timedelta(seconds=1)


@pytest.fixture
def board(db):
    return announcements_board()


def release_notifications():
    # Engineers @mentioned in an announcement are told too (kind "mention"); these are the followers'.
    return Notification.objects.filter(kind=Kind.RELEASE)


def scheduled(**fields):
    fields.setdefault("now", MONDAY)
    return make_release(schedule=True, **fields)


def test_publishing_creates_one_pinned_announcement_linked_both_ways(board):
    release = scheduled()
    assert publishing.publish_release(release=release, now=FRIDAY_17)
    release.refresh_from_db()
    thread = Thread.objects.get(board=board)
    assert (release.state, release.published_at, release.announcement) == (Release.State.PUBLISHED, FRIDAY_17, thread)
    assert thread.pinned and thread.author == release.created_by and thread.release == release
    assert release.get_absolute_url() in thread.posts.get().html
    assert Board.objects.get(pk=board.pk).thread_count == 1


def test_publishing_twice_creates_one_announcement(board):
    release = scheduled()
    assert publishing.publish_release(release=release, now=FRIDAY_17) is True
    assert publishing.publish_release(release=release, now=FRIDAY_17 + ONE_SECOND) is False
    assert Thread.objects.count() == 1
    assert Release.objects.get(pk=release.pk).published_at == FRIDAY_17


def test_a_retried_publish_task_publishes_once(board):
    release = scheduled()
    with time_machine.travel(FRIDAY_17, tick=False):
        results = [tasks.publish_release.delay(release.pk).get() for _ in range(3)]
    assert results == [True, False, False]
    assert Thread.objects.count() == 1


def test_the_announcement_is_written_from_the_release(board):
    product = ProductFactory(name="HyperOS")
    zhou, li = make_engineer(username="zhou"), make_engineer(username="li_wei")
    release = make_release(
        product=product,
        version="26.11.27",
        title="Lunar lock screen",
        notes="A **big** week.",
        items=0,
        builds=0,
        now=MONDAY,
    )
    camera = FeatureAreaFactory(product=product, name="Camera")
    for kind, title, owners in [
        ("fixed", "Wi-Fi drops", [li]),
        ("new", "Lunar calendar", [zhou, li]),
        ("improved", "Faster shutter", [zhou]),
    ]:
        changelog.add_changelog_item(release=release, kind=kind, title=title, area=camera, owners=owners)
    preparing.add_build(
        release=release,
        device="Xiaomi 14",
        download_url="https://dl.example.com/14.zip",
        size_bytes=5_600_000_000,
        sha256="ab" * 32,
    )
    publishing.publish_release(release=release, immediately=True)

    thread = Release.objects.get(pk=release.pk).announcement
    html = thread.posts.get().html
    assert thread.title == "HyperOS 26.11.27 · Lunar lock screen"
    assert "<strong>big</strong>" in html
    # New, then Improved, then Fixed, whatever the order of the items.
    assert html.index("Lunar calendar") < html.index("Faster shutter") < html.index("Wi-Fi drops")
    with translation.override(settings.LANGUAGE_CODE):  # announcements are written in the site's language
        new, improved, fixed = (f">{kind.label}<" for kind in ChangelogItem.Kind)
    assert html.index(new) < html.index(improved) < html.index(fixed)
    assert reverse("profile", args=["zhou"]) in html and reverse("profile", args=["li_wei"]) in html
    assert "https://dl.example.com/14.zip" in html and "ab" * 32 in html and "5.2" in html  # 5.2 GB


def test_publishing_unpins_the_previous_announcement_of_the_product_only(board):
    product = ProductFactory()
    last_week = make_release(product=product)
    publishing.publish_release(release=last_week, immediately=True)
    other_product = make_release()
    publishing.publish_release(release=other_product, immediately=True)

    # (last week's was published "now", after Monday: the default would be the Friday after that)
    this_week = scheduled(product=product, publish_at=FRIDAY_17)
    publishing.publish_release(release=this_week, now=FRIDAY_17)

    pinned = set(Thread.objects.filter(pinned=True).values_list("release__pk", flat=True))
    assert pinned == {this_week.pk, other_product.pk}


def test_the_tick_at_16_59_59_publishes_nothing_and_at_17_00_00_publishes(board):
    release = scheduled()
    assert publishing.publish_due_releases(now=FRIDAY_17 - ONE_SECOND) == 0
    assert Release.objects.get(pk=release.pk).state == Release.State.SCHEDULED
    assert publishing.publish_due_releases(now=FRIDAY_17) == 1
    assert Release.objects.get(pk=release.pk).state == Release.State.PUBLISHED


def test_the_beat_task_uses_the_real_clock(board):
    release = scheduled()
    with time_machine.travel(FRIDAY_17 - ONE_SECOND, tick=False):
        assert tasks.publish_due_releases.delay().get() == 0
    with time_machine.travel(FRIDAY_17, tick=False):
        assert tasks.publish_due_releases.delay().get() == 1
    assert Release.objects.get(pk=release.pk).published_at == FRIDAY_17


def test_a_release_whose_time_passed_while_scheduled_publishes_at_the_next_tick(board):
    release = scheduled()  # for Friday 17:00; nobody ran the beat until Saturday
    saturday = FRIDAY_17 + timedelta(hours=20)
    assert publishing.publish_due_releases(now=saturday) == 1
    assert Release.objects.get(pk=release.pk).published_at == saturday


def test_the_last_orange_friday_of_the_year_publishes_on_time(board):
    with time_machine.travel("2027-12-27 09:00:00+08:00", tick=False):
        release = make_release(schedule=True)
    assert release.version == "27.12.31"
    assert publishing.publish_due_releases(now=datetime.fromisoformat("2027-12-31 16:59:59+08:00")) == 0
    assert publishing.publish_due_releases(now=datetime.fromisoformat("2027-12-31 17:00:00+08:00")) == 1


def test_publishing_an_empty_release_now_is_refused(board):
    release = make_release(items=0, builds=0)
    with pytest.raises(ReleaseRefused, match="at least one changelog item"):
        publishing.publish_release(release=release, immediately=True)
    assert Release.objects.get(pk=release.pk).state == Release.State.DRAFT
    assert not Thread.objects.exists()


def test_publishing_a_draft_now_publishes_it_at_once(board):
    release = make_release()
    assert publishing.publish_release(release=release, immediately=True)
    release.refresh_from_db()
    assert release.state == Release.State.PUBLISHED and release.publish_at == release.published_at


def test_a_scheduled_release_emptied_meanwhile_is_not_published_by_the_tick(board):
    release = scheduled()
    ChangelogItem.objects.filter(release=release).delete()
    assert publishing.publish_due_releases(now=FRIDAY_17) == 0
    assert Release.objects.get(pk=release.pk).state == Release.State.SCHEDULED


def test_without_an_announcements_board_nothing_is_published(db, caplog):
    release = scheduled()
    assert publishing.publish_due_releases(now=FRIDAY_17) == 0
    assert Release.objects.get(pk=release.pk).state == Release.State.SCHEDULED
    assert "no board with the slug “announcements”" in caplog.text
    # Once the board exists, the next tick publishes it.
    announcements_board()
    assert publishing.publish_due_releases(now=FRIDAY_17 + timedelta(minutes=1)) == 1


def test_followers_are_notified_once_each_after_the_commit(board, django_capture_on_commit_callbacks):
    release = scheduled()
    fans = [UserFactory() for _ in range(3)]
    follow(release.product, fans)
    bystander = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publishing.publish_release(release=release, now=FRIDAY_17)
    assert not release_notifications().exists()  # nothing is sent before the publication is visible
    for callback in callbacks:
        callback()
    notified = Notification.objects.filter(kind=Kind.RELEASE, key=f"release:{release.pk}")
    assert sorted(notified.values_list("recipient_id", flat=True)) == sorted(fan.pk for fan in fans)
    assert not Notification.objects.filter(recipient=bystander).exists()
    first = notified.first()
    # The link leads on to the release's next step (releases.steps): the report, the award, or its page.
    assert first.url == reverse("releases:next_step", args=[release.product.slug, release.version])
    assert release.version in first.message
    assert Release.objects.get(pk=release.pk).notified_at is not None


def test_notifying_followers_again_notifies_no_one_twice(board, django_capture_on_commit_callbacks):
    release = scheduled()
    follow(release.product, [UserFactory() for _ in range(3)])
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish_release(release=release, now=FRIDAY_17)
    assert release_notifications().count() == 3
    tasks.notify_followers.delay(release.pk).get()
    assert release_notifications().count() == 3


def test_followers_are_walked_in_batches(board, settings, monkeypatch):
    settings.RELEASES_NOTIFY_BATCH = 2
    release = make_release()
    follow(release.product, [UserFactory() for _ in range(5)])
    Release.objects.filter(pk=release.pk).update(state=Release.State.PUBLISHED, published_at=FRIDAY_17)
    batches = []
    real_notify = publishing.notify
    monkeypatch.setattr(publishing, "notify", lambda **kw: batches.append(kw["recipient_ids"]) or real_notify(**kw))
    assert publishing.notify_followers(release_id=release.pk) == 5
    assert [len(batch) for batch in batches] == [2, 2, 1]
    recipients = [user_id for batch in batches for user_id in batch]
    assert sorted(recipients) == sorted(set(recipients))
    assert release_notifications().count() == 5


def test_an_unpublished_release_notifies_no_one(board):
    release = make_release()
    follow(release.product, [UserFactory()])
    assert publishing.notify_followers(release_id=release.pk) == 0
    assert not release_notifications().exists()


def test_a_lost_fan_out_is_queued_again_by_a_later_tick(board, django_capture_on_commit_callbacks):
    release = scheduled()
    follow(release.product, [UserFactory() for _ in range(2)])
    with django_capture_on_commit_callbacks(execute=False):  # the queueing is lost (worker killed)
        publishing.publish_release(release=release, now=FRIDAY_17)
    assert publishing.publish_due_releases(now=FRIDAY_17 + timedelta(minutes=1)) == 0
    assert not release_notifications().exists()  # too early to call it lost
    with django_capture_on_commit_callbacks(execute=True):  # the fan-out is sent once the tick commits
        publishing.publish_due_releases(now=FRIDAY_17 + timedelta(minutes=6))
    assert release_notifications().count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_publishing_at_once_create_one_announcement():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    announcements_board()
    release = scheduled()
    results = run_at_once([lambda: publishing.publish_release(release=release, now=FRIDAY_17)] * 2)
    assert sorted(results) == [False, True]
    assert Thread.objects.count() == 1
    assert Release.objects.get(pk=release.pk).announcement_id == Thread.objects.get().pk


def test_a_release_too_long_for_one_post_is_announced_without_its_notes(board):
    release = make_release(notes="Long notes. " * 1666, items=3)  # 19 992 characters of notes
    assert publishing.publish_release(release=release, immediately=True)
    post = Release.objects.get(pk=release.pk).announcement.posts.get()
    assert "Long notes." not in post.source and release.get_absolute_url() in post.source
    assert all(item.title in post.source for item in release.changelog.all())


def test_a_publisher_account_younger_than_a_day_can_still_announce_three_builds(board):
    # Fans' accounts younger than a day may put at most 2 links in a post; the
    # announcement is written by Canyu, with a link per build.
    with time_machine.travel(FRIDAY_17 - ONE_SECOND, tick=False):
        author = make_publisher(date_joined=FRIDAY_17 - timedelta(hours=1))
        release = make_release(author=author, builds=3, schedule=True, now=MONDAY)
        assert publishing.publish_release(release=release, now=FRIDAY_17)
    html = Thread.objects.get(board=board).posts.get().html
    assert all(build.download_url in html for build in release.builds.all())
