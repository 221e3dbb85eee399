"""Fans follow a product to hear of its releases."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from releases import following
from releases.models import ProductFollow
from releases.tests.builders import make_product, make_release
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def follow_url(slug="miui"):
    return reverse("releases:follow", args=[slug])


def test_following_a_product_records_the_follow(client, fan):
    product = make_product()
    assert not ProductFollow.objects.exists()
    response = client.post(follow_url(), {"action": "follow"})
    assert response.status_code == 302 and response.url == product.get_absolute_url()
    assert list(ProductFollow.objects.values_list("product", "user")) == [(product.pk, fan.pk)]


def test_following_twice_leaves_one_follow(client, fan):
    make_product()
    client.post(follow_url(), {"action": "follow"})
    response = client.post(follow_url(), {"action": "follow"})
    assert response.status_code == 302
    assert ProductFollow.objects.count() == 1


def test_unfollowing_removes_the_follow(client, fan):
    product = make_product()
    ProductFollow.objects.create(product=product, user=fan)
    client.post(follow_url(), {"action": "unfollow"})
    assert not ProductFollow.objects.exists()


def test_unfollowing_twice_is_harmless(client, fan):
    make_product()
    client.post(follow_url(), {"action": "unfollow"})
    response = client.post(follow_url(), {"action": "unfollow"})
    assert response.status_code == 302 and not ProductFollow.objects.exists()


def test_the_button_toggles_between_follow_and_unfollow(client, fan):
    release = make_release()
    html = client.get(release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="follow"' in html and "0 followers" in html
    client.post(follow_url(), {"action": "follow", "next": release.get_absolute_url()})
    html = client.get(release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="unfollow"' in html and "1 follower" in html and 'aria-pressed="true"' in html


def test_following_goes_back_to_the_page_it_came_from(client, fan):
    release = make_release()
    response = client.post(follow_url(), {"action": "follow", "next": release.get_absolute_url()})
    assert response.url == release.get_absolute_url()


def test_following_never_goes_back_to_another_site(client, fan):
    product = make_product()
    response = client.post(follow_url(), {"action": "follow", "next": "https://evil.example/"})
    assert response.url == product.get_absolute_url()


def test_follow_without_an_action_is_refused(client, fan):
    make_product()
    assert client.post(follow_url(), {"action": "toggle"}).status_code == 400
    assert not ProductFollow.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    make_product()
    response = client.post(follow_url(), {"action": "follow"})
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not ProductFollow.objects.exists()


def test_follow_is_post_only(client, fan):
    make_product()
    assert client.get(follow_url()).status_code == 405
    assert not ProductFollow.objects.exists()


def test_following_an_unknown_product_is_404(client, fan):
    assert client.post(follow_url("nope"), {"action": "follow"}).status_code == 404


def test_follow_product_is_idempotent():
    product, fan = make_product(), UserFactory()
    assert following.follow_product(product=product, user=fan) is True
    assert following.follow_product(product=product, user=fan) is False
    assert ProductFollow.objects.filter(product=product, user=fan).count() == 1


def test_unfollow_product_is_idempotent():
    product, fan = make_product(), UserFactory()
    following.follow_product(product=product, user=fan)
    assert following.unfollow_product(product=product, user=fan) is True
    assert following.unfollow_product(product=product, user=fan) is False


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_follows_leave_one_row():
    """The unique constraint decides; the loser's IntegrityError is a no-op, not a 500."""
    product, fan = make_product(), UserFactory()
    results = run_at_once([lambda: following.follow_product(product=product, user=fan)] * 2)
    assert sorted(results) == [False, True]
    assert ProductFollow.objects.count() == 1
