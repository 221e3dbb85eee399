"""The release pages run a fixed number of queries, whatever the number of
changelog items, engineers, builds, releases and products."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from releases.models import ChangelogItem
from releases.tests.builders import make_build, make_engineer, make_item, make_product, make_release
from tests.queries import session_queries

pytestmark = pytest.mark.django_db

KINDS = list(ChangelogItem.Kind)


def count_queries(client, url):
    cache.clear()  # the header's unread count is cached: compare cold with cold
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow_release(items, *, product=None, version=None):
    release = make_release(product=product, version=version)
    engineers = [make_engineer() for _ in range(3)]
    for i in range(items):
        make_item(release, kind=KINDS[i % 3], area=f"Area {i % 4}", owners=engineers[: 1 + i % 3])
    for device in ("Xiaomi 14", "Redmi K70"):
        make_build(release, device=device)
    return release


def grow_products(size, start=0):
    for i in range(start, start + size):
        product = make_product(name=f"Product {i}", slug=f"product-{i}")
        make_release(product=product, version="26.11.20")
        make_release(product=product, version="V1.0", channel="stable")


@pytest.mark.parametrize("signed_in", [False, True])
def test_release_page_query_count_does_not_grow(client, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    small = grow_release(1, product=make_product(name="A", slug="a"))
    large = grow_release(20, product=make_product(name="B", slug="b"))
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())


@pytest.mark.parametrize("items", [1, 20])
def test_release_page_queries_anonymous(client, django_assert_num_queries, items):
    release = grow_release(items)
    # release+product, changelog items+areas, their engineers, builds, followers (count and mine),
    # its report window (feedback.loop; the viewer's report is read only while it is open)
    with django_assert_num_queries(6):
        client.get(release.get_absolute_url())


@pytest.mark.parametrize("items", [1, 20])
def test_release_page_queries_signed_in(client, django_assert_num_queries, settings, items):
    release = grow_release(items)
    client.force_login(UserFactory())
    # session, user, viewer's user and group permissions (may they see drafts?),
    # release+product, changelog items+areas, their engineers, builds, followers,
    # the header's unread notifications (cached per user; the cache is cold here), its report window
    with django_assert_num_queries(10 + session_queries(settings)):
        client.get(release.get_absolute_url())


def test_release_page_queries_publisher_preview(client, django_assert_num_queries, settings):
    release = grow_release(20)
    release.state = "draft"
    release.published_at = None
    release.save()
    client.force_login(UserFactory(roles=[Role.ADMIN]))
    # as for a fan, less the report window: a preview has no next step
    with django_assert_num_queries(9 + session_queries(settings)):
        client.get(release.get_absolute_url())


def test_products_page_query_count_does_not_grow(client):
    grow_products(1)
    one = count_queries(client, reverse("releases:index"))
    grow_products(10, start=1)
    assert count_queries(client, reverse("releases:index")) == one


def test_products_page_queries(client, django_assert_num_queries):
    grow_products(10)
    # products with their latest weekly and stable versions (subqueries)
    with django_assert_num_queries(1):
        client.get(reverse("releases:index"))


def test_product_page_queries(client, django_assert_num_queries):
    product = make_product()
    for day in range(1, 26):
        make_release(product=product, version=f"26.10.{day}")
    # product, followers, count, releases of the page
    with django_assert_num_queries(4):
        client.get(product.get_absolute_url())
