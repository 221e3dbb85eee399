"""Every page of the fan, product-manager and admin journeys passes axe-core, on a phone, in Chinese.

axe-core (tests/browser/vendor/, from the npm registry) runs in the page and
reports WCAG violations; any of "serious" or "critical" impact fails the test
with the rule, the element and axe's own explanation. The pages carry the demo
data (`make run`'s), so they show what a person sees: posts, ideas, polls,
releases, reports, an award, a feedback summary. The header is one row.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD, create_demo_users
from feedback.demo import create_demo_reports
from forum.demo import create_demo_forum
from forum.models import Board, Thread
from ideas.demo import create_demo_ideas
from ideas.models import Idea
from releases.demo import create_demo_releases
from releases.models import Release

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
HEADER_MAX_PX = 64  # one row: 56 px and the orange rule under it


@pytest.fixture
def demo(settings):
    settings.VOTING_AWARD_MIN_REPORTS = 3  # as `make run`: the demo's five reporters make an award
    create_demo_users()
    create_demo_forum()
    create_demo_releases()
    create_demo_ideas()
    create_demo_reports()


def _journeys() -> dict[str | None, list[str]]:
    published = Release.objects.filter(state=Release.State.PUBLISHED, product__slug="miui").order_by("publish_at")
    last_week, this_week = published[0], published[published.count() - 1]
    product, idea = this_week.product.slug, Idea.objects.order_by("pk").first()
    board = Board.objects.get(slug="feedback")
    thread = Thread.objects.filter(board__slug="announcements").order_by("pk").first()
    reading = [
        "/",
        "/forum/",
        board.get_absolute_url(),
        thread.get_absolute_url(),
        idea.thread.get_absolute_url(),
        "/ideas/",
        f"/ideas/{product}/",
        f"/ideas/{product}/roadmap/",
        "/releases/",
        f"/releases/{product}/",
        last_week.get_absolute_url(),
        this_week.get_absolute_url(),
        "/awards/",
        f"/awards/{product}/{last_week.version}/",
        "/u/fan/",
        "/u/fan/?tab=posts",
        "/u/fan/?tab=ideas",
        "/u/fan/?tab=reports",
        "/u/engineer/",
        "/u/engineer/?tab=threads",
    ]
    return {
        None: reading + ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
        "fan": reading
        + [
            f"/report/{product}/{this_week.version}/",
            f"/report/{product}/{last_week.version}/",
            "/notifications/",
            "/settings/",
            "/settings/profile/",
            "/settings/notifications/",
            f"/ideas/{product}/new/",
            f"/b/{board.slug}/new/",
        ],
        "pm_lin": [
            f"/feedback/{product}/",
            f"/feedback/{product}/{last_week.version}/",
            f"/feedback/{product}/{this_week.version}/",
            f"/idea/{idea.pk}/status/",
        ],
        "admin": [
            "/moderation/",
            "/admin/",
            "/admin/releases/release/",
            f"/admin/releases/release/{this_week.pk}/change/",
            "/admin/releases/release/add/",
            f"/admin/releases/product/{this_week.product_id}/change/",
            f"/t/{thread.pk}/move/",
        ],
    }


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) at {node['target']}: {node['failureSummary']}"
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
        for node in violation["nodes"]
    ]


# One journey a test (some 30 pages at most, each checked by axe), so that parallel workers share them out.
@pytest.mark.slow
@pytest.mark.parametrize("username", [None, "fan", "pm_lin", "admin"], ids=["visitor", "fan", "pm_lin", "admin"])
def test_every_page_of_the_fan_pm_and_admin_journeys_has_no_serious_axe_violation(live_server, browser, demo, username):
    found = []
    # axe is added to the page as a script: the page's own CSP (script-src 'self') would refuse it.
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    if username:
        page.goto(live_server.url + "/accounts/login/")
        form = page.locator("main form:has(input[name=password])")
        form.locator("input[name=login]").fill(username)
        form.locator("input[name=password]").fill(DEMO_PASSWORD)
        form.locator("button").click()
        expect(page.locator(".account-nav .me")).to_be_visible()
    for path in _journeys()[username]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{username or 'a visitor'} got {response.status} for {path}"
        found += _serious_violations(page)
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("phone_locale", ["zh-CN", "en-US"])
def test_the_phone_header_is_one_row_signed_in_with_the_language_switch_in_the_footer(live_server, phone, demo):
    console = []
    phone.on("console", lambda message: console.append(message.text))
    phone.goto(live_server.url + "/accounts/login/")
    form = phone.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill("fan")
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button").click()
    header = phone.locator("header.site-header")
    expect(header.locator(".me")).to_be_visible()
    phone.wait_for_load_state("load")
    assert header.bounding_box()["height"] <= HEADER_MAX_PX
    # Every main link is in that row (scrolled to if the language makes them wider than the phone).
    assert header.locator(".main-nav a").count() == 5
    assert header.locator("form.language-switch").count() == 0
    expect(phone.locator("footer form.language-switch")).to_be_attached()
    expect(phone.locator("footer form.sign-out button")).to_be_attached()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # htmx runs on the page without adding anything the Content-Security-Policy refuses.
    assert phone.evaluate("typeof htmx") == "object"
    assert [text for text in console if "Content Security Policy" in text] == []
