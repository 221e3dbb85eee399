"""A fan earns the first-post medal from the beat job, is told of it, picks it to show, and sees it beside
their name on their profile and their posts, on a phone, in Chinese, without JavaScript."""

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from forum.tests.factories import make_thread
from honour import medals
from honour.models import Medal
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_a_fan_earns_a_medal_and_shows_it_beside_their_name(live_server, browser):
    base = live_server.url
    Medal.objects.create(name="第一帖 First post", slug="first-post", rule=Medal.Rule.FIRST_POST)
    zhou = UserFactory(username="zhou")
    thread = make_thread(author=zhou, title="第一次发帖 My first thread")
    medals.grant_automatic_medals()

    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    phone = context.new_page()
    sign_in(phone, base, "zhou")
    phone.goto(base + "/notifications/")
    expect(phone.locator("main")).to_contain_text("你获得了勋章")

    phone.goto(base + "/u/zhou/")
    expect(phone.locator(".profile-head .shown-medal")).to_have_count(0)
    expect(phone.locator(".profile-medals")).to_contain_text("第一帖 First post")
    phone.locator(".show-medals input[name=award]").first.check()
    phone.locator(".show-medals button").click()
    expect(phone.locator(".profile-head .shown-medal")).to_have_count(1)
    expect(phone.locator(".profile-head .level")).to_contain_text("新手")
    assert_fits_the_phone(phone)

    phone.goto(base + thread.get_absolute_url())
    expect(phone.locator("article.post .post-head .shown-medal")).to_have_count(1)
    assert_fits_the_phone(phone)

    phone.goto(base + "/u/zhou/")
    phone.locator(".profile-head .shown-medal").click()
    expect(phone.locator("h1")).to_contain_text("第一帖 First post")
    expect(phone.locator(".holders")).to_contain_text(zhou.shown_name)
    assert_fits_the_phone(phone)
    context.close()
