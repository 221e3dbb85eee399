"""A fan's profile on a phone, in Chinese, without JavaScript: the activity tabs are one row of links, each
tab shows its rows, the fan's own report picks are theirs alone, and nothing scrolls sideways."""

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from feedback.tests.reporting import published_release, submit
from forum import posting
from forum.tests.factories import make_thread
from ideas.tests.factories import make_idea
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_a_fans_activity_tab_by_tab_on_a_phone_without_javascript(live_server, browser):
    base = live_server.url
    zhou = UserFactory(username="zhou")
    make_thread(author=zhou, title="锁屏农历显示问题 Lunar date on the lock screen", source="Opening words")
    posting.reply(
        thread=make_thread(title="Battery drain after update"),
        author=zhou,
        source="同样的问题，一晚上掉了 30% 的电。" + "很长的回复。" * 40,
    )
    make_idea(author=zhou, title="充电到 80% 自动停止 Stop charging at 80%", votes=[UserFactory()])
    release = published_release(items=3)
    submit(release, zhou, loved=0, weakest=1)
    loved = release.changelog.order_by("position", "pk")[0].title

    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    phone = context.new_page()
    phone.goto(base + "/u/zhou/")
    tabs = phone.locator("nav.profile-tabs a")
    expect(tabs).to_have_text(["主题", "回复", "想法", "体验报告"])
    assert len({round(box["y"]) for box in (tabs.nth(i).bounding_box() for i in range(4))}) == 1  # one row
    expect(phone.locator(".activity")).to_contain_text("锁屏农历显示问题")
    assert_fits_the_phone(phone)

    tabs.get_by_text("回复").click()
    expect(phone.locator(".activity .snippet")).to_contain_text("同样的问题，一晚上掉了 30% 的电。")
    expect(phone.locator(".activity")).to_contain_text("Battery drain after update")
    assert_fits_the_phone(phone)

    phone.locator("nav.profile-tabs").get_by_text("想法").click()
    expect(phone.locator(".activity")).to_contain_text("1 票")
    expect(phone.locator(".activity .status")).to_have_text("新想法")

    phone.locator("nav.profile-tabs").get_by_text("体验报告").click()
    expect(phone.locator(".activity")).to_contain_text(f"{release.product.name} {release.version}")
    expect(phone.locator(".activity")).not_to_contain_text(loved)

    sign_in(phone, base, "zhou")
    phone.goto(base + "/u/zhou/?tab=reports")
    expect(phone.locator(".activity .my-picks")).to_contain_text(loved)
    assert_fits_the_phone(phone)
    context.close()
