"""The fan-facing release pages: the products, a product's releases per
channel, and a release with its changelog and builds."""

import re
from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes
from forum.tests.factories import make_thread
from releases import steps
from releases.models import ChangelogItem, Release
from releases.tests.builders import make_build, make_engineer, make_item, make_product, make_release

pytestmark = pytest.mark.django_db

UNPUBLISHED = [Release.State.DRAFT, Release.State.SCHEDULED, Release.State.WITHDRAWN]


@pytest.fixture
def publisher(client):
    user = UserFactory(username="lei", roles=[Role.ADMIN])
    client.force_login(user)
    return user


def page(client, url, status=200, **extra):
    response = client.get(url, **extra)
    assert response.status_code == status
    return response.content.decode()


# --- Who sees what ---------------------------------------------------------


def test_fans_see_a_published_release(client, fan):
    release = make_release(version="26.11.20", title="Lunar calendar on the lock screen")
    html = page(client, release.get_absolute_url())
    assert "MIUI 26.11.20" in html and "Lunar calendar on the lock screen" in html
    assert "not published" not in html


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_fans_get_404_for_a_release_that_is_not_published(client, fan, state):
    release = make_release(state=state)
    page(client, release.get_absolute_url(), status=404)


@pytest.mark.parametrize("state", UNPUBLISHED)
def test_anonymous_visitors_get_404_for_a_release_that_is_not_published(client, state):
    release = make_release(state=state)
    page(client, release.get_absolute_url(), status=404)


@pytest.mark.parametrize(
    "state, label",
    [
        (Release.State.DRAFT, "Draft — not published"),
        (Release.State.SCHEDULED, "Scheduled — not published"),
        (Release.State.WITHDRAWN, "Withdrawn — not published"),
    ],
)
def test_publishers_preview_an_unpublished_release_under_a_banner(client, publisher, state, label):
    release = make_release(state=state)
    html = page(client, release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert 'class="message preview-banner"' in html and label in html


def test_publishers_see_no_banner_on_a_published_release(client, publisher):
    release = make_release()
    assert "preview-banner" not in page(client, release.get_absolute_url())


# --- The next step (releases.steps): where the publish notification leads ----------------------------


def next_step(release):
    return reverse("releases:next_step", args=[release.product.slug, release.version])


def test_the_next_step_is_the_release_page_when_no_app_registered_one(client, monkeypatch):
    monkeypatch.setattr(steps, "_steps", [])
    release = make_release()
    response = client.get(next_step(release))
    assert (response.status_code, response["Location"]) == (302, release.get_absolute_url())


def test_the_next_step_is_the_first_registered_address(client, monkeypatch):
    release = make_release()
    monkeypatch.setattr(steps, "_steps", [lambda release, now: None, lambda release, now: "/awards/"])
    assert client.get(next_step(release))["Location"] == "/awards/"


def test_an_unpublished_release_has_no_next_step_for_fans(client, fan):
    page(client, next_step(make_release(state=Release.State.DRAFT)), status=404)


def test_a_publishers_preview_leads_to_its_own_page(client, publisher, monkeypatch):
    monkeypatch.setattr(steps, "_steps", [lambda release, now: "/awards/"])
    release = make_release(state=Release.State.SCHEDULED)
    assert client.get(next_step(release))["Location"] == release.get_absolute_url()


def test_unknown_product_or_version_is_404(client):
    release = make_release(version="26.11.20")
    page(client, reverse("releases:release", args=["nope", "26.11.20"]), status=404)
    page(client, reverse("releases:release", args=[release.product.slug, "26.11.21"]), status=404)


def test_a_version_in_another_case_redirects_to_the_release(client):
    release = make_release(version="V14.0.3")
    response = client.get(reverse("releases:release", args=["miui", "v14.0.3"]))
    assert response.status_code == 301 and response.url == release.get_absolute_url()


# --- The release page ------------------------------------------------------


def test_changelog_is_grouped_new_improved_fixed(client):
    release = make_release()
    make_item(release, kind=ChangelogItem.Kind.FIXED, title="Wi-Fi no longer drops", position=0)
    make_item(release, kind=ChangelogItem.Kind.NEW, title="Lunar calendar", position=1)
    make_item(release, kind=ChangelogItem.Kind.IMPROVED, title="Faster camera start", position=2)
    html = page(client, release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    headings = re.findall(r'<h3 class="kind-heading kind-(\w+)">', html)
    assert headings == ["new", "improved", "fixed"]
    assert html.index("Lunar calendar") < html.index("Faster camera start") < html.index("Wi-Fi no longer drops")


def test_items_of_a_kind_follow_their_editable_order(client):
    release = make_release()
    make_item(release, title="Second", position=2)
    make_item(release, title="First", position=1)
    html = page(client, release.get_absolute_url())
    assert html.index("First") < html.index("Second")


def test_a_kind_without_items_has_no_heading(client):
    release = make_release()
    make_item(release, kind=ChangelogItem.Kind.FIXED)
    html = page(client, release.get_absolute_url())
    assert re.findall(r"kind-heading kind-(\w+)", html) == ["fixed"]


def test_each_item_shows_its_area_and_credits_its_engineers_with_links(client):
    release = make_release()
    zhou = make_engineer(username="zhou", display_name="工程师 Zhou")
    wu = make_engineer(username="wu_ming")
    item = make_item(
        release, title="Messages search", area="Messages 短信", description="Search\nby sender", owners=[zhou, wu]
    )
    html = page(client, release.get_absolute_url())
    assert f'id="item-{item.pk}"' in html
    assert "Messages 短信" in html and "Search<br>by sender" in html
    assert f'<a class="engineer" href="{zhou.get_absolute_url()}" dir="auto">工程师 Zhou</a>' in html
    assert f'<a class="engineer" href="{wu.get_absolute_url()}" dir="auto">wu_ming</a>' in html


def test_an_item_with_a_screenshot_shows_it(client):
    release = make_release()
    item = make_item(release, title="New camera UI")
    item.screenshot.save("shot.png", ContentFile(image_bytes(fmt="PNG")), save=True)
    html = page(client, release.get_absolute_url())
    assert f'<img src="{item.screenshot.url}"' in html


def test_builds_show_device_size_checksum_and_a_nofollow_download_link(client):
    release = make_release()
    build = make_build(release, device="Redmi K70", size_bytes=5_600_000_000)
    html = page(client, release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Redmi K70" in html
    assert "5.2\xa0GB" in html  # filesizeformat: 5 600 000 000 bytes
    assert f'<code class="sha256">{build.sha256}</code>' in html
    assert f'href="{build.download_url}" rel="nofollow"' in html


def test_the_announcement_thread_is_linked_when_there_is_one(client):
    without = make_release()
    assert "announcement-link" not in page(client, without.get_absolute_url())
    thread = make_thread(title="MIUI 26.11.27 is out")
    with_thread = make_release(announcement=thread)
    assert f'href="{thread.get_absolute_url()}"' in page(client, with_thread.get_absolute_url())


def test_release_time_is_shown_in_the_viewers_time_zone(client):
    release = make_release(publish_at=datetime.fromisoformat("2026-11-27T17:00:00+08:00"))
    client.force_login(UserFactory(time_zone="Europe/Berlin"))
    assert 'datetime="2026-11-27T10:00:00+01:00"' in page(client, release.get_absolute_url())


def test_anonymous_visitors_see_times_in_shanghai(client):
    release = make_release(publish_at=datetime.fromisoformat("2026-11-27T17:00:00+08:00"))
    assert 'datetime="2026-11-27T17:00:00+08:00"' in page(client, release.get_absolute_url())


def test_the_release_page_shows_the_follower_count_and_a_follow_button(client, fan):
    release = make_release()
    html = page(client, release.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "0 followers" in html and 'name="action" value="follow"' in html


def test_anonymous_visitors_get_a_sign_in_link_instead_of_the_button(client):
    release = make_release()
    html = page(client, release.get_absolute_url())
    assert 'name="action"' not in html and reverse("account_login") in html


# --- A product's releases --------------------------------------------------


def test_the_product_page_lists_the_weekly_channel_by_default(client):
    product = make_product()
    make_release(product=product, version="26.11.20", channel=Release.Channel.WEEKLY)
    make_release(product=product, version="V14.0.3", channel=Release.Channel.STABLE)
    html = page(client, product.get_absolute_url())
    assert "26.11.20" in html and "V14.0.3" not in html


def test_the_channel_filter_shows_the_stable_channel(client):
    product = make_product()
    make_release(product=product, version="26.11.20", channel=Release.Channel.WEEKLY)
    make_release(product=product, version="V14.0.3", channel=Release.Channel.STABLE)
    html = page(client, product.get_absolute_url() + "?channel=stable")
    assert "V14.0.3" in html and "26.11.20" not in html


@pytest.mark.parametrize("value", ["nightly", "", "WEEKLY", "stable'--", "x" * 500])
def test_an_unknown_channel_shows_the_weekly_channel(client, value):
    product = make_product()
    make_release(product=product, version="26.11.20")
    assert "26.11.20" in page(client, product.get_absolute_url(), data={"channel": value})


def test_the_product_page_lists_unpublished_releases_only_for_publishers(client):
    product = make_product()
    make_release(product=product, version="26.11.20")
    make_release(product=product, version="26.11.27", state=Release.State.SCHEDULED)
    assert "26.11.27" not in page(client, product.get_absolute_url())
    client.force_login(UserFactory(roles=[Role.ADMIN]))
    assert "26.11.27" in page(client, product.get_absolute_url())


def test_the_product_page_shows_20_releases_a_page_newest_first(client):
    product = make_product()
    for day in range(1, 23):
        make_release(
            product=product,
            version=f"26.10.{day}",
            publish_at=datetime.fromisoformat(f"2026-10-{day:02d}T17:00:00+08:00"),
        )
    first = page(client, product.get_absolute_url())
    second = page(client, product.get_absolute_url(), data={"page": 2})
    assert first.count('class="release-row') == 20 and second.count('class="release-row') == 2
    assert first.index("26.10.22") < first.index("26.10.21")
    assert "26.10.1 " in second and "26.10.2 " in second
    assert 'href="?channel=weekly&amp;page=2"' in first


def test_an_unknown_product_is_404(client):
    page(client, reverse("releases:product", args=["nope"]), status=404)


def test_the_products_page_links_each_products_latest_published_releases(client):
    miui, router = make_product(), make_product(name="Router", slug="router", position=1)
    make_release(product=miui, version="26.11.13", publish_at=datetime.fromisoformat("2026-11-13T17:00:00+08:00"))
    make_release(product=miui, version="26.11.20")
    make_release(
        product=miui,
        version="26.11.27",
        state=Release.State.SCHEDULED,
        publish_at=datetime.fromisoformat("2026-11-27T17:00:00+08:00"),
    )
    make_release(product=miui, version="V14.0.3", channel=Release.Channel.STABLE)
    html = page(client, reverse("releases:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{reverse("releases:release", args=["miui", "26.11.20"])}"' in html
    assert f'href="{reverse("releases:release", args=["miui", "V14.0.3"])}"' in html
    assert "26.11.13" not in html and "26.11.27" not in html
    assert html.index("MIUI") < html.index("Router") and router.name in html and "No release yet." in html


def test_the_header_links_the_releases(client):
    assert f'href="{reverse("releases:index")}"' in page(client, reverse("home"))
