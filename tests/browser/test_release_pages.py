"""A fan on a phone: from the home page to this week's build, its changelog
and engineers, and following the product."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from releases.models import ChangelogItem, ProductFollow
from releases.tests.builders import make_build, make_item, make_release
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_a_fan_opens_this_weeks_build_and_follows_the_product(live_server, phone):
    base = live_server.url
    fan = UserFactory(username="ada", display_name="Ada")
    zhou = UserFactory(username="zhou", display_name="工程师 Zhou", roles=[Role.ENGINEER])
    release = make_release(version="26.11.20", title="农历锁屏 Lunar lock screen")
    make_item(
        release,
        kind=ChangelogItem.Kind.NEW,
        area="System 系统",
        owners=[zhou],
        title="锁屏显示农历 Lunar calendar on the lock screen",
        description="锁屏时钟下方显示农历日期、节气和传统节日。The lunar date under the lock-screen clock.",
    )
    make_item(
        release,
        kind=ChangelogItem.Kind.FIXED,
        area="System 系统",
        owners=[zhou],
        title="Wi-Fi no longer drops every ten minutes",
    )
    make_build(release, device="Xiaomi 14")
    make_build(release, device="Redmi K70")

    sign_in(phone, base, "ada")
    phone.goto(base + "/")
    assert_fits_the_phone(phone)
    expect(phone.locator(".this-week .countdown")).to_contain_text("Next Orange Friday in")
    phone.locator(".this-week a.release-name").click()
    expect(phone).to_have_url(base + release.get_absolute_url())

    expect(phone.locator("h1")).to_have_text("MIUI 26.11.20")
    expect(phone.locator(".kind-heading")).to_have_text(["New", "Fixed"])
    item = phone.locator(".change", has_text="Lunar calendar on the lock screen")
    expect(item.locator("a.engineer")).to_have_text("工程师 Zhou")
    expect(item.locator("a.engineer")).to_have_attribute("href", zhou.get_absolute_url())
    expect(phone.locator(".builds code.sha256")).to_have_count(2)
    assert_fits_the_phone(phone)

    expect(phone.locator(".follower-count")).to_have_text("0 followers")
    phone.locator("button.follow-button").click()
    expect(phone).to_have_url(base + release.get_absolute_url())
    expect(phone.locator("button.follow-button")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(".follower-count")).to_have_text("1 follower")
    assert ProductFollow.objects.filter(product=release.product, user=fan).exists()
    assert_fits_the_phone(phone)

    # The engineer's profile lists what they shipped.
    item.locator("a.engineer").click()
    expect(phone).to_have_url(re.compile(r"/u/zhou/$"))
    expect(phone.locator(".shipped-items li")).to_have_count(2)
    assert_fits_the_phone(phone)
