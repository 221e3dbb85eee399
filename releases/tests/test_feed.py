"""The Atom feed of a product's published releases."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from releases.models import Release
from releases.tests.builders import make_product, make_release

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
FRIDAY = datetime.fromisoformat("2026-11-20T17:00:00+08:00")


def fetch_feed(client, slug="miui"):
    response = client.get(reverse("releases:feed", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_is_atom_with_the_published_releases(client):
    release = make_release(version="26.11.20", title="Lunar calendar", notes_html="<p>Hello</p>")
    feed = fetch_feed(client)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.find("atom:title", ATOM).text
    entry = feed.find("atom:entry", ATOM)
    assert entry.find("atom:title", ATOM).text == "MIUI 26.11.20: Lunar calendar"
    assert entry.find("atom:link", ATOM).get("href") == f"http://testserver{release.get_absolute_url()}"
    assert entry.find("atom:published", ATOM).text == "2026-11-20T09:00:00+00:00"
    assert entry.find("atom:updated", ATOM).text == "2026-11-20T09:00:00+00:00"
    assert entry.find("atom:summary", ATOM).text == "<p>Hello</p>"
    assert feed.find("atom:updated", ATOM).text == "2026-11-20T09:00:00+00:00"


@pytest.mark.parametrize("state", [Release.State.DRAFT, Release.State.SCHEDULED, Release.State.WITHDRAWN])
def test_the_feed_leaves_out_releases_that_are_not_published(client, state):
    make_release(version="26.11.20")
    make_release(version="26.11.27", state=state)
    titles = [e.find("atom:title", ATOM).text for e in fetch_feed(client).findall("atom:entry", ATOM)]
    assert titles == ["MIUI 26.11.20: Orange Friday build"]


def test_publishers_get_the_same_feed_as_fans(client):
    make_release(version="26.11.20")
    make_release(version="26.11.27", state=Release.State.DRAFT)
    client.force_login(UserFactory(roles=[Role.ADMIN]))
    assert len(fetch_feed(client).findall("atom:entry", ATOM)) == 1


def test_the_feed_holds_the_20_latest_releases_newest_first(client):
    for week in range(25):
        when = FRIDAY - timedelta(weeks=week)
        make_release(version=f"v{week}", publish_at=when)
    entries = fetch_feed(client).findall("atom:entry", ATOM)
    assert len(entries) == 20
    assert entries[0].find("atom:title", ATOM).text.startswith("MIUI v0:")
    assert entries[-1].find("atom:title", ATOM).text.startswith("MIUI v19:")


def test_the_feed_holds_only_its_products_releases(client):
    make_release(version="26.11.20")
    make_release(product=make_product(name="Router", slug="router"), version="1.0.24")
    entries = fetch_feed(client, "router").findall("atom:entry", ATOM)
    assert [e.find("atom:title", ATOM).text for e in entries] == ["Router 1.0.24: Orange Friday build"]


def test_the_feed_of_an_unknown_product_is_404(client):
    assert client.get(reverse("releases:feed", args=["nope"])).status_code == 404


def test_the_product_page_announces_its_feed(client):
    product = make_product()
    html = client.get(product.get_absolute_url()).content.decode()
    assert f'<link rel="alternate" type="application/atom+xml" href="{reverse("releases:feed", args=["miui"])}"' in html
