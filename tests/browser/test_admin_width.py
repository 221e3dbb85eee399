"""The admin's release pages fit a 1280 px screen: nothing scrolls sideways, with the changelog and builds
inlines of the demo's releases."""

import pytest

from accounts.demo import DEMO_PASSWORD, create_demo_users
from forum.demo import create_demo_forum
from releases.demo import create_demo_releases
from releases.models import Release

DESKTOP_WIDTH = 1280


@pytest.fixture
def demo():
    create_demo_users()
    create_demo_forum()
    create_demo_releases()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_release_admin_pages_fit_1280_pixels(live_server, browser, demo, locale):
    context = browser.new_context(viewport={"width": DESKTOP_WIDTH, "height": 900}, locale=locale)
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill("admin")
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button").click()
    page.wait_for_url("**/admin/")
    widths = {}
    paths = [
        "/admin/releases/release/add/",
        *(f"/admin/releases/release/{release.pk}/change/" for release in Release.objects.order_by("pk")),
    ]
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert {path: width for path, width in widths.items() if width > DESKTOP_WIDTH} == {}
