"""Medals: the automatic ones granted once by a job safe to run twice, each new holder told once;
by hand from the admin; up to three shown beside the name; a page of holders at a fixed cost."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback.tests.reporting import FRIDAY, published_release, submit
from forum.tests.factories import make_thread
from honour import medals
from honour.models import Medal, MedalAward, Standing
from notifications.models import Kind, Notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def first_post_medal():
    return Medal.objects.create(name="First post", slug="first-post", rule=Medal.Rule.FIRST_POST)


def test_the_job_grants_the_first_post_medal_to_each_poster_once(django_capture_on_commit_callbacks):
    medal = first_post_medal()
    poster, silent = make_thread().author, UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert medals.grant_automatic_medals() == {"first-post": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert medals.grant_automatic_medals() == {"first-post": 0}
    assert list(MedalAward.objects.values_list("medal_id", "user_id")) == [(medal.pk, poster.pk)]
    assert Notification.objects.filter(kind=Kind.MEDAL, recipient=poster).count() == 1
    assert not MedalAward.objects.filter(user=silent).exists()


def test_granting_to_a_holder_inserts_nothing_and_tells_no_one(django_capture_on_commit_callbacks):
    medal = Medal.objects.create(name="Helper", slug="helper")
    fan = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert medals.grant_medal(medal=medal, user_ids=[fan.pk]) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert medals.grant_medal(medal=medal, user_ids=[fan.pk]) == 0
    assert callbacks == []
    assert Notification.objects.filter(kind=Kind.MEDAL).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_jobs_at_once_grant_each_medal_once():
    first_post_medal()
    make_thread()
    results = run_at_once([medals.grant_automatic_medals, medals.grant_automatic_medals])
    assert sorted(result["first-post"] for result in results) == [0, 1]
    assert MedalAward.objects.count() == 1


def test_ten_reports_medal_needs_ten():
    medal = Medal.objects.create(name="Ten", slug="ten", rule=Medal.Rule.TEN_REPORTS)
    fan, other = (
        UserFactory(date_joined=FRIDAY - timedelta(days=400)),
        UserFactory(date_joined=FRIDAY - timedelta(days=400)),
    )
    for week in range(10):
        release = published_release(publish_at=FRIDAY + timedelta(weeks=week))
        submit(release, fan, now=release.published_at + timedelta(hours=1))
        if week < 9:
            submit(release, other, now=release.published_at + timedelta(hours=1))
    medals.grant_automatic_medals()
    assert list(medal.awards.values_list("user_id", flat=True)) == [fan.pk]


def test_a_streak_of_reports_earns_the_streak_medal(settings):
    settings.HONOUR_STREAK_WEEKS = 3
    medal = Medal.objects.create(name="Streak", slug="streak", rule=Medal.Rule.REPORT_STREAK)
    steady, gap = (UserFactory(date_joined=FRIDAY - timedelta(days=400)) for _ in range(2))
    for week in range(3):
        release = published_release(publish_at=FRIDAY + timedelta(weeks=week))
        submit(release, steady, now=release.published_at + timedelta(hours=1))
        if week != 1:
            submit(release, gap, now=release.published_at + timedelta(hours=1))
    medals.grant_automatic_medals(now=FRIDAY + timedelta(weeks=2, hours=2))
    assert list(medal.awards.values_list("user_id", flat=True)) == [steady.pk]


def test_a_fan_shows_up_to_three_medals_beside_their_name(client):
    fan = UserFactory()
    awards = [
        MedalAward.objects.create(medal=Medal.objects.create(name=f"M{n}", slug=f"m{n}"), user=fan) for n in range(4)
    ]
    client.force_login(fan)
    response = client.post(reverse("honour:show_medals"), {"award": [a.pk for a in awards[:3]]})
    assert response.status_code == 302
    assert set(MedalAward.objects.filter(shown=True).values_list("pk", flat=True)) == {a.pk for a in awards[:3]}
    page = client.get(reverse("profile", args=[fan.username])).content.decode()
    assert page.count('class="shown-medal"') == 3


def test_a_fourth_medal_shown_is_refused_and_nothing_changes(client):
    fan = UserFactory()
    awards = [
        MedalAward.objects.create(medal=Medal.objects.create(name=f"M{n}", slug=f"m{n}"), user=fan) for n in range(4)
    ]
    client.force_login(fan)
    response = client.post(reverse("honour:show_medals"), {"award": [a.pk for a in awards]})
    assert response.status_code == 400
    assert not MedalAward.objects.filter(shown=True).exists()


def test_showing_someone_elses_medal_is_refused(client):
    fan, other = UserFactory(), UserFactory()
    theirs = MedalAward.objects.create(medal=Medal.objects.create(name="M", slug="m"), user=other)
    client.force_login(fan)
    assert client.post(reverse("honour:show_medals"), {"award": [theirs.pk]}).status_code == 400
    assert not MedalAward.objects.filter(shown=True).exists()


@pytest.mark.parametrize("holders", [1, 60])
def test_a_medals_page_costs_the_same_queries_however_many_hold_it(client, django_assert_num_queries, holders):
    medal = Medal.objects.create(name="Helper", slug="helper")
    medals.grant_medal(medal=medal, user_ids=[UserFactory().pk for _ in range(holders)])
    # the medal, the count of holders, a page of holders with their names
    with django_assert_num_queries(3):
        response = client.get(medal.get_absolute_url())
    assert response.content.decode().count('<li><a href="/u/') == min(holders, 50)


def test_the_serial_voting_list_is_for_moderators(client):
    client.force_login(UserFactory())
    assert client.get(reverse("honour:serial")).status_code == 403
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    assert client.get(reverse("honour:serial")).status_code == 200


def test_a_shown_medal_is_beside_the_name_on_posts_at_no_extra_query(client):
    thread = make_thread()
    award = MedalAward.objects.create(medal=Medal.objects.create(name="Helper", slug="helper"), user=thread.author)
    # The posts are read with their authors' standing (level and medals shown) in one join.
    with CaptureQueriesContext(connection) as without:
        before = client.get(thread.get_absolute_url()).content.decode()
    medals.choose_shown_medals(user=thread.author, award_ids=[award.pk])
    cache.clear()  # the anonymous page is kept up to FORUM_PAGE_CACHE_SECONDS, like posters' post counts
    with CaptureQueriesContext(connection) as shown:
        after = client.get(thread.get_absolute_url()).content.decode()
    assert len(shown) == len(without)
    assert 'class="shown-medal"' not in before
    assert 'class="shown-medal" href="/honour/medals/helper/" title="Helper"' in after


def test_renaming_a_medal_renames_it_beside_the_names_of_those_who_show_it(client):
    fan = UserFactory()
    medal = Medal.objects.create(name="Helper", slug="helper")
    award = MedalAward.objects.create(medal=medal, user=fan)
    medals.choose_shown_medals(user=fan, award_ids=[award.pk])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.post(
        reverse("admin:honour_medal_change", args=[medal.pk]),
        {"name": "Great helper", "slug": "helper", "description": "", "rule": "", "grant_to": ""},
    )
    assert [shown.name for shown in medals.shown_medals(Standing.objects.get(pk=fan.pk).shown_medals)] == [
        "Great helper"
    ]


def test_medals_received_are_one_line_of_the_notifications_page(client, django_capture_on_commit_callbacks):
    fan = UserFactory()
    for n in range(3):
        medal = Medal.objects.create(name=f"Medal {n}", slug=f"medal-{n}")
        with django_capture_on_commit_callbacks(execute=True):
            medals.grant_medal(medal=medal, user_ids=[fan.pk])
    assert Notification.objects.filter(recipient=fan, kind=Kind.MEDAL).count() == 3
    client.force_login(fan)
    html = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("You received") == 1
    assert "You received 3 medals, the latest “<bdi>Medal 2</bdi>”" in html
