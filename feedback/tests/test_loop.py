"""The whole loop, on SQLite and PostgreSQL: idea → votes → planned → in build, linked to a
changelog item → release published → shipped by the tick, and its voters told once."""

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from ideas import statuses
from ideas.models import Idea, StatusChange
from ideas.tests.factories import make_idea, make_pm
from notifications.models import Kind, Notification
from releases import publishing
from releases.tests.factories import announcements_board, make_release
from tests.concurrency import run_at_once

Status = Idea.Status


def plan_and_build(idea, django_capture_on_commit_callbacks):
    pm = make_pm()
    release = make_release(product=idea.product)
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(
            idea=idea, by=pm, status=Status.PLANNED, note="For the next weekly.", target_release=release
        )
    idea.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(idea=idea, by=pm, status=Status.IN_BUILD, note="", changelog_item=release.changelog.get())
    return release


@pytest.mark.django_db
def test_an_idea_ships_with_its_release_and_its_voters_are_told_once(django_capture_on_commit_callbacks):
    fans = [UserFactory() for _ in range(3)]
    idea = make_idea(votes=fans)
    release = plan_and_build(idea, django_capture_on_commit_callbacks)
    announcements_board()
    assert statuses.ship_released_ideas() == 0  # not published yet

    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.publish_release(release=release, immediately=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses.ship_released_ideas() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert statuses.ship_released_ideas() == 0  # the next tick

    idea.refresh_from_db()
    assert (idea.status, idea.vote_count, idea.changelog_item.release) == (Status.SHIPPED, 3, release)
    shipped = StatusChange.objects.get(idea=idea, to_status=Status.SHIPPED)
    assert (shipped.from_status, shipped.by) == (Status.IN_BUILD, None)
    key = f"idea:{idea.pk}:status:{shipped.pk}"
    assert sorted(Notification.objects.filter(key=key).values_list("recipient_id", flat=True)) == sorted(
        [fan.pk for fan in fans] + [idea.thread.author_id]
    )
    # Planned, in build, shipped: one notification each, per voter.
    assert Notification.objects.filter(recipient=fans[0], kind=Kind.IDEA).count() == 3
    assert list(StatusChange.objects.filter(idea=idea).values_list("to_status", flat=True)) == [
        Status.PLANNED,
        Status.IN_BUILD,
        Status.SHIPPED,
    ]


@pytest.mark.django_db
def test_an_idea_in_build_for_a_release_not_yet_published_stays_in_build(django_capture_on_commit_callbacks):
    idea = make_idea(votes=[UserFactory()])
    plan_and_build(idea, django_capture_on_commit_callbacks)
    assert statuses.ship_released_ideas() == 0
    assert Idea.objects.get(pk=idea.pk).status == Status.IN_BUILD


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_ship_an_idea_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    idea = make_idea(votes=[UserFactory()])
    release = make_release(product=idea.product)
    statuses.set_status(
        idea=idea, by=make_pm(), status=Status.IN_BUILD, note="", changelog_item=release.changelog.get()
    )
    announcements_board()
    publishing.publish_release(release=release, immediately=True)
    results = run_at_once([statuses.ship_released_ideas] * 4)
    assert sorted(results) == [0, 0, 0, 1]
    assert StatusChange.objects.filter(idea=idea, to_status=Status.SHIPPED).count() == 1
    assert Notification.objects.filter(kind=Kind.IDEA, key__contains=":status:").values("key").distinct().count() == 2
