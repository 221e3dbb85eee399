"""Searching on a phone, in Chinese: from the header's box to a result, then narrowed by kind, author and
dates with the page's filters; each page fits the phone."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from forum import posting
from forum.tests.factories import BoardFactory, make_thread
from tests.browser.steps import assert_fits_the_phone


@pytest.mark.parametrize("phone_locale", ["zh-CN"])
def test_a_fan_searches_and_narrows_the_results_on_a_phone(live_server, phone):
    base = live_server.url
    board = BoardFactory(name="续航与充电", slug="battery")
    li = UserFactory(username="lilei", display_name="李雷")
    thread = make_thread(board=board, title="充电到 80% 自动停止", source="希望增加一个开关。", author=li)
    posting.reply(thread=thread, author=UserFactory(username="meimei"), source="无线充电也需要这个功能")

    phone.goto(base + "/")
    phone.locator(".site-search input[name=q]").fill("充电")
    phone.locator(".site-search input[name=q]").press("Enter")
    expect(phone.locator("[role=status].meta")).to_have_text("2 条结果")
    expect(phone.locator(".result mark").first).to_have_text("充电")
    assert_fits_the_phone(phone)

    phone.locator("#search-author").fill("meimei")
    phone.locator("#search-from").fill("2020-01-01")
    phone.locator(".search-form button[type=submit]").click()
    expect(phone.locator("[role=status].meta")).to_have_text("1 条结果")
    expect(phone.locator(".result .kind")).to_have_text("回复")
    expect(phone.locator("#search-author")).to_have_value("meimei")
    assert_fits_the_phone(phone)

    phone.locator("#search-author").fill("")
    phone.locator("#search-q").fill("李雷")
    phone.locator("#search-kind").select_option("person")
    phone.locator(".search-form button[type=submit]").click()
    expect(phone.locator(".result .kind")).to_have_text("用户")
    phone.locator(".result a.thread-title").click()
    expect(phone).to_have_url(base + "/u/lilei/")
