import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.models import Thread
from releases.models import Build, ChangelogItem, Release
from releases.tests.factories import (
    FeatureAreaFactory,
    ProductFactory,
    announcements_board,
    make_engineer,
    make_publisher,
    make_release,
    sha256_of,
)

pytestmark = pytest.mark.django_db

MONDAY = "2026-11-23 10:00:00+08:00"


@pytest.fixture
def publisher(client):
    user = make_publisher(language="en")
    client.force_login(user)
    return user


def add_url():
    return reverse("admin:releases_release_add")


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def button_url(release, action):
    return reverse(f"admin:releases_release_{action}", args=[release.pk])


def release_form(product, *, version="26.11.27", date="2026-11-27", time="17:00:00", items=(), builds=(), **fields):
    """The add form as a browser posts it: the release, its changelog and builds inlines."""
    data = {
        "product": product.pk,
        "channel": "weekly",
        "version": version,
        "title": "Lunar lock screen",
        "publish_at_0": date,
        "publish_at_1": time,
        "notes": "A **big** week.",
        "changelog-TOTAL_FORMS": len(items),
        "changelog-INITIAL_FORMS": 0,
        "changelog-MIN_NUM_FORMS": 0,
        "changelog-MAX_NUM_FORMS": 1000,
        "builds-TOTAL_FORMS": len(builds),
        "builds-INITIAL_FORMS": 0,
        "builds-MIN_NUM_FORMS": 0,
        "builds-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for i, item in enumerate(items):
        data.update({f"changelog-{i}-{name}": value for name, value in item.items()})
    for i, build in enumerate(builds):
        data.update({f"builds-{i}-{name}": value for name, value in build.items()})
    return data


def an_item(product, owners, **fields):
    return {
        "position": 0,
        "kind": "new",
        "title": "Lunar calendar",
        "area": FeatureAreaFactory(product=product).pk,
        "owners": [owner.pk for owner in owners],
        "description": "",
        **fields,
    }


def a_build(**fields):
    return {
        "device": "Xiaomi 14",
        "download_url": "https://dl.example.com/14.zip",
        "size_bytes": 5_600_000_000,
        "sha256": sha256_of("14"),
        **fields,
    }


# --- Who may --------------------------------------------------------------


@pytest.mark.parametrize("roles", [[], [Role.MODERATOR], [Role.ENGINEER, Role.PRODUCT_MANAGER]])
def test_staff_who_may_not_publish_get_403_everywhere(client, roles):
    release = make_release()
    client.force_login(UserFactory(is_staff=True, roles=roles))
    for url in [
        reverse("admin:releases_release_changelist"),
        add_url(),
        change_url(release),
        reverse("admin:releases_product_changelist"),
    ]:
        assert client.get(url).status_code == 403, url
    for action in ["schedule", "publish", "withdraw", "unschedule"]:
        assert client.post(button_url(release, action)).status_code == 403
    assert client.post(reverse("admin:releases_release_start", args=[release.product.pk])).status_code == 403
    assert Release.objects.get() == release and release.state == Release.State.DRAFT
    assert Release.objects.get().state == Release.State.DRAFT


def test_a_signed_in_fan_gets_403_from_the_release_buttons(client, fan):
    release = make_release()
    for action in ["schedule", "publish", "withdraw"]:
        assert client.post(button_url(release, action)).status_code == 403
    assert Release.objects.get().state == Release.State.DRAFT


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    release = make_release()
    response = client.post(button_url(release, "publish"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert Release.objects.get().state == Release.State.DRAFT


def test_the_releases_admin_lists_releases_for_a_publisher(client, publisher):
    release = make_release(title="Lunar lock screen")
    response = client.get(reverse("admin:releases_release_changelist"))
    assert response.status_code == 200 and "Lunar lock screen" in response.content.decode()
    assert reverse("admin:releases_release_start", args=[release.product.pk]) in response.content.decode()


# --- Preparing a release in the form ---------------------------------------


def test_a_release_is_prepared_with_its_changelog_and_builds(client, publisher):
    product, engineer = ProductFactory(), make_engineer()
    response = client.post(add_url(), release_form(product, items=[an_item(product, [engineer])], builds=[a_build()]))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    release = Release.objects.get()
    assert (release.state, release.created_by, release.version) == (Release.State.DRAFT, publisher, "26.11.27")
    assert "<strong>big</strong>" in release.notes_html
    assert list(release.changelog.get().owners.all()) == [engineer]
    assert release.builds.get().device == "Xiaomi 14"


def test_a_duplicate_version_is_a_form_error(client, publisher):
    product = ProductFactory()
    make_release(product=product, version="26.11.27", items=0, builds=0)
    response = client.post(add_url(), release_form(product, version="26.11.27"))
    assert response.status_code == 200
    assert "already has a release 26.11.27" in str(response.context["adminform"].form.errors["version"])
    assert Release.objects.count() == 1


def test_an_owner_who_is_not_an_engineer_is_refused_by_name(client, publisher):
    product = ProductFactory()
    data = release_form(product, items=[an_item(product, [make_engineer(), UserFactory(username="ada")])])
    response = client.post(add_url(), data)
    assert response.status_code == 200
    assert "not an engineer: ada" in response.content.decode()
    assert not Release.objects.exists() and not ChangelogItem.objects.exists()


def test_a_release_title_with_a_direction_override_is_a_form_error(client, publisher):
    response = client.post(add_url(), release_form(ProductFactory(), title="Lunar \u202elock screen"))
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("title", "invisible_character")
    assert not Release.objects.exists()


def test_a_changelog_item_title_of_invisible_characters_is_a_form_error(client, publisher):
    product = ProductFactory()
    item = an_item(product, [make_engineer()], title="\u200b\u200c\u200d")
    response = client.post(add_url(), release_form(product, items=[item]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.forms[0].has_error("title", "invisible_character")
    assert not Release.objects.exists() and not ChangelogItem.objects.exists()


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://dl.example.com/14.zip", "Enter a download URL starting with https:// or http://."),
        ("javascript:alert(1)", "Enter a valid URL."),
    ],
)
def test_a_build_url_that_is_not_http_is_a_form_error(client, publisher, url, message):
    product = ProductFactory()
    response = client.post(add_url(), release_form(product, builds=[a_build(download_url=url)]))
    assert response.status_code == 200
    errors = str(response.context["inline_admin_formsets"][1].formset.errors)
    assert message in errors
    assert not Release.objects.exists() and not Build.objects.exists()


def test_a_scheduled_release_cannot_lose_its_last_build(client, publisher):
    release = make_release(schedule=True)
    build = release.builds.get()
    item = release.changelog.get()
    data = release_form(
        release.product,
        version=release.version,
        **{
            "publish_at_0": "2030-01-04",
            "publish_at_1": "17:00:00",
            "changelog-TOTAL_FORMS": 1,
            "changelog-INITIAL_FORMS": 1,
            "changelog-0-id": item.pk,
            "changelog-0-release": release.pk,
            "changelog-0-position": 0,
            "changelog-0-kind": item.kind,
            "changelog-0-title": item.title,
            "changelog-0-area": item.area_id,
            "changelog-0-owners": list(item.owners.values_list("pk", flat=True)),
            "builds-TOTAL_FORMS": 1,
            "builds-INITIAL_FORMS": 1,
            "builds-0-id": build.pk,
            "builds-0-release": release.pk,
            "builds-0-device": build.device,
            "builds-0-download_url": build.download_url,
            "builds-0-size_bytes": build.size_bytes,
            "builds-0-sha256": build.sha256,
            "builds-0-DELETE": "on",
        },
    )
    response = client.post(change_url(release), data)
    assert response.status_code == 200
    assert "needs at least one build" in response.content.decode()
    assert Build.objects.filter(pk=build.pk).exists()


# --- The buttons -------------------------------------------------------------


def test_scheduling_an_empty_release_shows_why_not(client, publisher):
    release = make_release(items=0, builds=0)
    response = client.post(button_url(release, "schedule"), follow=True)
    assert "Add at least one changelog item" in response.content.decode()
    assert Release.objects.get().state == Release.State.DRAFT


def test_the_schedule_button_asks_then_schedules(client, publisher):
    release = make_release()
    page = client.get(button_url(release, "schedule"))
    assert page.status_code == 200 and "Beijing time" in page.content.decode()
    assert Release.objects.get().state == Release.State.DRAFT  # asking changes nothing
    response = client.post(button_url(release, "schedule"), follow=True)
    assert Release.objects.get().state == Release.State.SCHEDULED
    assert "is scheduled" in response.content.decode()


def test_publish_now_announces_the_release(client, publisher):
    announcements_board()
    release = make_release()
    client.post(button_url(release, "publish"))
    release.refresh_from_db()
    assert release.state == Release.State.PUBLISHED and Thread.objects.get() == release.announcement


def test_publishing_an_empty_release_now_shows_why_not(client, publisher):
    announcements_board()
    release = make_release(builds=0)
    response = client.post(button_url(release, "publish"), follow=True)
    assert "Add at least one build" in response.content.decode()
    assert Release.objects.get().state == Release.State.DRAFT and not Thread.objects.exists()


def test_the_withdraw_button_withdraws(client, publisher):
    release = make_release(schedule=True)
    client.post(button_url(release, "withdraw"))
    assert Release.objects.get().state == Release.State.WITHDRAWN


def test_a_published_release_is_shown_read_only(client, publisher):
    announcements_board()
    release = make_release()
    client.post(button_url(release, "publish"))
    assert client.get(change_url(release)).status_code == 200
    response = client.post(change_url(release), release_form(release.product, version=release.version))
    assert response.status_code == 403
    assert Release.objects.get().title == release.title


@time_machine.travel(MONDAY, tick=False)
def test_starting_the_next_release_offers_a_build_row_per_device_of_the_previous(client, publisher):
    product = ProductFactory(devices="")
    make_release(product=product, builds=2, publish_at=datetime.fromisoformat("2026-11-20 17:00:00+08:00"))
    response = client.post(reverse("admin:releases_release_start", args=[product.pk]))
    release = Release.objects.get(version="26.11.27")
    assert response["Location"] == change_url(release)
    assert release.state == Release.State.DRAFT and release.created_by == publisher
    formset = next(
        f for f in client.get(change_url(release)).context["inline_admin_formsets"] if f.formset.prefix == "builds"
    ).formset
    assert [form.initial.get("device") for form in formset.extra_forms] == ["Xiaomi 14", "Xiaomi 15"]


def test_the_change_page_links_to_the_preview_as_fans_see_it(client, publisher):
    release = make_release()
    content = client.get(change_url(release)).content.decode()
    assert reverse("releases:release", args=[release.product.slug, release.version]) in content


# --- Time zones ---------------------------------------------------------------


@pytest.fixture
def new_york_publisher(client):
    return make_publisher(language="en", time_zone="America/New_York")


@time_machine.travel("2027-03-15 12:00:00+00:00", tick=False)  # the Monday after New York moved to EDT
def test_an_admin_in_new_york_is_offered_orange_friday_in_their_own_time(client, new_york_publisher):
    client.force_login(new_york_publisher)  # on the travelled clock: a session from today would have expired
    ProductFactory()
    response = client.get(add_url())
    # Friday 2027-03-19 17:00 Beijing = 09:00 UTC = 05:00 EDT.
    assert re.search(r'name="publish_at_0" value="2027-03-19"', response.content.decode())
    assert re.search(r'name="publish_at_1" value="05:00:00"', response.content.decode())
    assert "In your time zone, New York." in response.context["adminform"].form.fields["publish_at"].help_text


@time_machine.travel("2027-03-01 12:00:00+00:00", tick=False)
@pytest.mark.parametrize(
    "date, local_time",
    [
        ("2027-03-12", "04:00:00"),  # before the switch: EST, UTC-5
        ("2027-03-19", "05:00:00"),  # after the switch: EDT, UTC-4
    ],
)
def test_a_time_typed_in_new_york_is_stored_in_utc(client, new_york_publisher, date, local_time):
    client.force_login(new_york_publisher)  # on the travelled clock: a session from today would have expired
    product = ProductFactory()
    response = client.post(add_url(), release_form(product, date=date, time=local_time))
    assert response.status_code == 302
    publish_at = Release.objects.get().publish_at
    assert publish_at == datetime.fromisoformat(f"{date} 09:00:00+00:00")
    assert publish_at == datetime.fromisoformat(f"{date} 17:00:00+08:00")  # Orange Friday


@time_machine.travel("2027-03-01 12:00:00+00:00", tick=False)
def test_a_time_that_does_not_exist_in_the_admins_zone_is_refused(client, new_york_publisher):
    client.force_login(new_york_publisher)  # on the travelled clock: a session from today would have expired
    # 02:30 on 2027-03-14 is skipped in New York (clocks jump from 02:00 to 03:00).
    response = client.post(add_url(), release_form(ProductFactory(), date="2027-03-14", time="02:30:00"))
    assert response.status_code == 200
    assert "America/New_York" in str(response.context["adminform"].form.errors["publish_at"])
    assert not Release.objects.exists()


# --- After an early publish -------------------------------------------------------

FRIDAY_AFTERNOON = "2026-11-27 14:00:00+08:00"


def publish_early(product):
    from releases import publishing

    announcements_board()
    release = make_release(product=product, version="26.11.27")
    assert publishing.publish_release(release=release, immediately=True)


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_after_publishing_early_the_add_form_offers_next_friday(client, publisher):
    product = ProductFactory()
    publish_early(product)
    content = client.get(add_url()).content.decode()
    assert 'name="publish_at_0" value="2026-12-04"' in content and 'value="26.12.4"' in content


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_after_publishing_early_starting_the_next_release_offers_next_friday(client, publisher):
    product = ProductFactory(devices="")
    publish_early(product)
    assert "26.12.4" in client.get(reverse("admin:releases_release_start", args=[product.pk])).content.decode()
    client.post(reverse("admin:releases_release_start", args=[product.pk]))
    started = Release.objects.get(state=Release.State.DRAFT)
    assert (started.version, started.publish_at) == ("26.12.4", datetime.fromisoformat("2026-12-04 17:00:00+08:00"))


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_without_an_early_publish_the_add_form_offers_today_17(client, publisher):
    ProductFactory()
    content = client.get(add_url()).content.decode()
    assert 'name="publish_at_0" value="2026-11-27"' in content
