from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from forum.models import Thread
from releases import preparing, publishing
from releases.models import Build, Release
from releases.preparing import ReleaseRefused
from releases.tests.factories import (
    ProductFactory,
    announcements_board,
    make_publisher,
    make_release,
    sha256_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


MONDAY = "2026-11-23 10:00:00+08:00"
FRIDAY_17 = datetime.fromisoformat("2026-11-27 17:00:00+08:00")


@time_machine.travel(MONDAY, tick=False)
def test_a_new_draft_defaults_to_the_coming_orange_friday_and_its_version():
    release = preparing.prepare_release(product=ProductFactory(), author=make_publisher())
    assert release.state == Release.State.DRAFT
    assert release.publish_at == FRIDAY_17
    assert release.version == "26.11.27"
    assert release.title


def test_release_notes_are_rendered_safely():
    release = make_release(notes="**Big** week <script>alert(1)</script>", items=0, builds=0)
    assert "<strong>Big</strong>" in release.notes_html
    assert "<script>" not in release.notes_html


def test_a_duplicate_version_is_refused_whatever_its_case():
    product = ProductFactory()
    make_release(product=product, version="V14.0", items=0, builds=0)
    with pytest.raises(ReleaseRefused, match=r"already has a release v14\.0"):
        make_release(product=product, version="v14.0", items=0, builds=0)
    assert Release.objects.count() == 1


def test_the_same_version_of_another_product_is_fine():
    make_release(version="V14.0", items=0, builds=0)
    make_release(version="V14.0", items=0, builds=0)
    assert Release.objects.count() == 2


def test_scheduling_a_release_without_changelog_items_is_refused():
    release = make_release(items=0, builds=1)
    with pytest.raises(ReleaseRefused, match="at least one changelog item"):
        preparing.schedule_release(release=release)
    assert Release.objects.get(pk=release.pk).state == Release.State.DRAFT


def test_scheduling_a_release_without_builds_is_refused():
    release = make_release(items=1, builds=0)
    with pytest.raises(ReleaseRefused, match="at least one build"):
        preparing.schedule_release(release=release)
    assert Release.objects.get(pk=release.pk).state == Release.State.DRAFT


def test_scheduling_a_release_with_items_and_builds_succeeds():
    release = make_release(items=1, builds=1)
    assert preparing.schedule_release(release=release).state == Release.State.SCHEDULED


def test_scheduling_for_a_time_in_the_past_is_refused():
    release = make_release(publish_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ReleaseRefused, match="has passed"):
        preparing.schedule_release(release=release)
    assert Release.objects.get(pk=release.pk).state == Release.State.DRAFT


def test_scheduling_twice_is_not_an_error():
    release = make_release(schedule=True)
    assert preparing.schedule_release(release=release).state == Release.State.SCHEDULED


def test_a_published_release_cannot_be_scheduled_again():
    announcements_board()
    release = make_release()
    publishing.publish_release(release=release, immediately=True)
    with pytest.raises(ReleaseRefused, match="already published"):
        preparing.schedule_release(release=release)


def test_back_to_draft_stops_a_scheduled_release_from_publishing():
    announcements_board()
    release = make_release(schedule=True)
    preparing.unschedule_release(release=release)
    assert publishing.publish_due_releases(now=release.publish_at) == 0
    assert Release.objects.get(pk=release.pk).state == Release.State.DRAFT


def test_a_withdrawn_release_is_not_published_when_its_time_comes():
    announcements_board()
    release = make_release(schedule=True)
    preparing.withdraw_release(release=release)
    assert publishing.publish_due_releases(now=release.publish_at) == 0
    release.refresh_from_db()
    assert release.state == Release.State.WITHDRAWN and release.withdrawn_at and release.announcement is None


def test_withdrawing_a_published_release_unpins_its_announcement():
    announcements_board()
    release = make_release()
    publishing.publish_release(release=release, immediately=True)
    release.refresh_from_db()
    assert release.announcement.pinned
    preparing.withdraw_release(release=release)
    assert not Thread.objects.get(pk=release.announcement_id).pinned


def test_withdrawing_twice_is_refused():
    release = make_release()
    preparing.withdraw_release(release=release)
    with pytest.raises(ReleaseRefused, match="already withdrawn"):
        preparing.withdraw_release(release=release)


@pytest.mark.parametrize("url", ["ftp://dl.example.com/b.zip", "javascript:alert(1)", "dl.example.com/b.zip"])
def test_a_build_url_that_is_not_http_is_refused(url):
    release = make_release(builds=0)
    with pytest.raises(ReleaseRefused, match="https://"):
        preparing.add_build(release=release, device="Xiaomi 14", download_url=url, size_bytes=1, sha256=sha256_of("b"))
    assert not Build.objects.exists()


def test_a_build_url_with_an_uppercase_scheme_is_stored_in_lowercase():
    release = make_release(builds=0)
    build = preparing.add_build(
        release=release,
        device="Xiaomi 14",
        download_url="HTTPS://dl.example.com/B.zip",
        size_bytes=1,
        sha256=sha256_of("b"),
    )
    assert build.download_url == "https://dl.example.com/B.zip"


def test_a_malformed_sha256_is_refused():
    release = make_release(builds=0)
    with pytest.raises(ReleaseRefused, match="SHA-256"):
        preparing.add_build(
            release=release, device="Xiaomi 14", download_url="https://dl.example.com/b.zip", size_bytes=1, sha256="abc"
        )


def test_a_second_build_for_the_same_device_is_refused():
    release = make_release(builds=1)
    with pytest.raises(ReleaseRefused, match="already has a build for Xiaomi 14"):
        preparing.add_build(
            release=release,
            device="Xiaomi 14",
            download_url="https://dl.example.com/c.zip",
            size_bytes=1,
            sha256=sha256_of("c"),
        )


@time_machine.travel(MONDAY, tick=False)
def test_starting_from_the_previous_release_takes_its_channel_and_offers_its_devices():
    product = ProductFactory(devices="")
    previous = make_release(
        product=product,
        channel=Release.Channel.STABLE,
        builds=2,
        publish_at=datetime.fromisoformat("2026-11-20 17:00:00+08:00"),
    )
    release = preparing.start_from_previous(product=product, author=make_publisher())
    assert (release.state, release.channel, release.version, release.publish_at) == (
        Release.State.DRAFT,
        Release.Channel.STABLE,
        "26.11.27",
        FRIDAY_17,
    )
    # The builds themselves are not copied: last week's file under this week's version.
    assert not release.builds.exists()
    assert preparing.devices_for_next_release(product) == sorted(previous.builds.values_list("device", flat=True))


def test_a_product_without_releases_offers_its_own_device_list():
    assert preparing.devices_for_next_release(ProductFactory(devices="Xiaomi 14\n\n Redmi K70 \n")) == [
        "Xiaomi 14",
        "Redmi K70",
    ]


def test_a_stale_admin_save_cannot_put_a_published_release_back():
    announcements_board()
    release = make_release(schedule=True)
    stale = Release.objects.get(pk=release.pk)  # the form loaded before the tick
    publishing.publish_due_releases(now=release.publish_at)
    stale.title = "Edited too late"
    with pytest.raises(ReleaseRefused, match="can no longer be changed"):
        preparing.save_release_details(release=stale)
    release.refresh_from_db()
    assert release.state == Release.State.PUBLISHED and release.title != "Edited too late"


def test_a_scheduled_release_cannot_be_moved_into_the_past():
    release = make_release(schedule=True)
    release.publish_at = timezone.now() - timedelta(seconds=1)
    with pytest.raises(ReleaseRefused, match="in the future"):
        preparing.save_release_details(release=release)
