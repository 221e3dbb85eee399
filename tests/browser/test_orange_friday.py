"""Orange Friday end to end: an admin prepares and schedules a release in the
admin; the clock passes Friday 17:00 Beijing time and the beat tick publishes
it; a fan who follows the product sees the announcement and the notification."""

import re
from datetime import datetime, timedelta

import time_machine
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from releases import tasks
from releases.models import FeatureArea, Product, ProductFollow, Release
from releases.tests.factories import announcements_board, sha256_of
from tests.browser.steps import assert_fits_the_phone, sign_in, sign_out

WEDNESDAY = datetime.fromisoformat("2026-11-25 10:00:00+08:00")
FRIDAY_17 = datetime.fromisoformat("2026-11-27 17:00:00+08:00")


def test_an_admin_schedules_a_release_and_at_17_00_a_fan_is_told(live_server, phone):
    base = live_server.url
    announcements_board()
    product = Product.objects.create(name="MIUI", slug="miui", devices="Xiaomi 14")
    camera = FeatureArea.objects.create(product=product, name="Camera")
    UserFactory(username="boss", display_name="Boss", is_staff=True, roles=[Role.ADMIN])
    zhou = UserFactory(username="zhou", display_name="Zhou", roles=[Role.ENGINEER])
    fan = UserFactory(username="ada", display_name="Ada")
    ProductFollow.objects.create(product=product, user=fan)

    with time_machine.travel(WEDNESDAY):
        # The admin prepares the week's build; the form starts at the next Orange Friday.
        sign_in(phone, base, "boss")
        phone.goto(base + "/admin/releases/release/add/")
        expect(phone.locator("#id_publish_at_0")).to_have_value("2026-11-27")
        expect(phone.locator("#id_publish_at_1")).to_have_value("17:00:00")
        phone.select_option("#id_product", str(product.pk))
        phone.fill("#id_title", "Night mode for the camera")
        phone.fill("#id_notes", "The camera sees in the dark.")
        phone.select_option("#id_changelog-0-kind", "new")
        phone.fill("#id_changelog-0-title", "Night mode")
        phone.select_option("#id_changelog-0-area", str(camera.pk))
        phone.locator(f'input[name=changelog-0-owners][value="{zhou.pk}"]').check()
        phone.fill("#id_builds-0-device", "Xiaomi 14")
        phone.fill("#id_builds-0-download_url", "https://dl.example.com/miui/14.zip")
        phone.fill("#id_builds-0-size_bytes", "5600000000")
        phone.fill("#id_builds-0-sha256", sha256_of("xiaomi 14"))
        phone.locator("input[name=_continue]").click()
        expect(phone.locator(".messagelist .success")).to_be_visible()
        release = Release.objects.get(product=product)
        assert release.state == Release.State.DRAFT

        # Schedule it: a confirmation page says when, then the state changes.
        phone.get_by_role("link", name="Schedule").click()
        expect(phone.locator("#content")).to_contain_text("Beijing time")
        phone.locator("#content input[type=submit]").click()
        release.refresh_from_db()
        assert release.state == Release.State.SCHEDULED
        sign_out_of_admin(phone, base)

    # One second early, the tick publishes nothing; at 17:00 it publishes.
    with time_machine.travel(FRIDAY_17 - timedelta(seconds=1), tick=False):
        tasks.publish_due_releases()
    release.refresh_from_db()
    assert release.state == Release.State.SCHEDULED
    with time_machine.travel(FRIDAY_17 + timedelta(seconds=5)):
        tasks.publish_due_releases()
        release.refresh_from_db()
        assert release.state == Release.State.PUBLISHED

        # The fan sees the notification in the header and the pinned announcement.
        sign_in(phone, base, "ada")
        expect(phone.locator(".account-nav .unread-count")).to_have_text("1")
        phone.locator(".account-nav a[href='/notifications/']").click()
        notification = phone.locator("main").get_by_text(re.compile("MIUI .* is out"))
        expect(notification).to_be_visible()
        assert_fits_the_phone(phone)
        phone.goto(base + "/b/announcements/")
        announcement = phone.locator(".thread-row.pinned a.thread-title")
        expect(announcement).to_contain_text("Night mode for the camera")
        announcement.click()
        expect(phone.locator("main")).to_contain_text("Night mode")
        expect(phone.locator("main")).to_contain_text("@zhou")
        assert_fits_the_phone(phone)
        sign_out(phone)


def sign_out_of_admin(phone, base):
    # The admin's own pages have no site header; sign out from a site page.
    phone.goto(base + "/")
    sign_out(phone)
