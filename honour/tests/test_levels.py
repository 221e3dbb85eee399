"""Levels: from points and account age, stored beside the points, shown beside the name on posts and
profiles at no extra query, told once when reached, and lifting the limits of new accounts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from forum import liking, posting, ratelimits
from forum.tests.factories import make_thread
from honour import levels, points
from honour.models import Standing
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _levels(settings):
    settings.HONOUR_LEVELS = [(0, 0), (4, 0), (10, 7)]
    settings.HONOUR_POINTS = {**settings.HONOUR_POINTS, "liked": 2}
    settings.HONOUR_TRUSTED_LEVEL = 2


@pytest.mark.parametrize(
    "points_, days, level",
    [(0, 0, 1), (3, 100, 1), (4, 0, 2), (10, 6, 2), (10, 7, 3), (9, 7, 2)],
)
def test_a_level_needs_both_its_points_and_its_days(points_, days, level):
    now = timezone.now()
    assert levels.level_of(points=points_, date_joined=now - timedelta(days=days), now=now) == level


def like_from_others(post, n):
    for _ in range(n):
        liking.toggle_like(post=post, user=UserFactory())


def test_reaching_a_level_is_stored_and_told_once(django_capture_on_commit_callbacks):
    thread = make_thread(replies=2)
    posts = list(thread.posts.order_by("floor"))
    with django_capture_on_commit_callbacks(execute=True):
        like_from_others(posts[0], 2)  # 4 points: level 2
        like_from_others(posts[1], 1)
    assert Standing.objects.get(pk=thread.author_id).level == 2
    assert list(Notification.objects.filter(kind=Kind.LEVEL).values_list("recipient_id", "params")) == [
        (thread.author_id, {"level": 2})
    ]


def test_losing_points_lowers_the_level():
    thread = make_thread()
    post = thread.posts.get(floor=1)
    likers = [UserFactory(), UserFactory()]
    for liker in likers:
        liking.toggle_like(post=post, user=liker)
    liking.toggle_like(post=post, user=likers[0])
    assert Standing.objects.get(pk=thread.author_id).level == 1


def test_the_nightly_recount_raises_a_level_reached_by_age():
    author = UserFactory(date_joined=timezone.now() - timedelta(days=3))
    thread = make_thread(author=author, replies=4)
    for post in thread.posts.all():
        liking.toggle_like(post=post, user=UserFactory())  # 10 points, but 3 days old
    assert Standing.objects.get(pk=author.pk).level == 2
    assert points.recount_standings(now=timezone.now() + timedelta(days=4)) == 1
    assert Standing.objects.get(pk=author.pk).level == 3


def test_the_level_is_shown_beside_the_name_on_posts(client):
    thread = make_thread()
    like_from_others(thread.posts.get(floor=1), 2)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert '<span class="level" title="等级 2 · 常客">常客</span>' in html


def test_the_level_is_shown_on_the_profile(client):
    thread = make_thread()
    like_from_others(thread.posts.get(floor=1), 2)
    html = client.get(f"/u/{thread.author.username}/").content.decode()
    assert "等级 2 · 常客" in html


def test_a_young_account_at_the_trusted_level_is_no_longer_new():
    young = UserFactory(date_joined=timezone.now() - timedelta(hours=1))
    assert ratelimits.is_new_account(young)
    thread = make_thread(author=young)
    like_from_others(thread.posts.get(floor=1), 2)
    young.refresh_from_db()
    assert not ratelimits.is_new_account(young)


def test_a_young_trusted_account_may_post_more_links_than_a_new_one(settings):
    settings.FORUM_NEW_ACCOUNT_MAX_LINKS = 1
    links = "https://a.example/ and https://b.example/"
    young = UserFactory(date_joined=timezone.now() - timedelta(hours=1))
    thread = make_thread()
    with pytest.raises(posting.PostingRefused):
        posting.reply(thread=thread, author=young, source=links)
    own = make_thread(author=UserFactory(date_joined=timezone.now() - timedelta(hours=1)))
    like_from_others(own.posts.get(floor=1), 2)
    own.author.refresh_from_db()
    posting.reply(thread=thread, author=own.author, source=links)
