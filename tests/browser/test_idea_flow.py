"""A fan on a phone, in Chinese, proposes an idea: while they type the title, the similar idea
already there is suggested (htmx); they post theirs anyway after seeing it, then vote for the other."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from ideas.models import Idea, IdeaVote
from ideas.tests.factories import ideas_product, propose
from releases.tests.factories import FeatureAreaFactory
from tests.browser.steps import assert_fits_the_phone, sign_in


@pytest.fixture
def phone_locale():
    return "zh-CN"


def test_a_fan_sees_the_similar_idea_while_typing_and_votes(live_server, phone):
    base = live_server.url
    fan = UserFactory(username="ada", display_name="Ada")
    product = ideas_product(name="MIUI", slug="miui")
    FeatureAreaFactory(product=product, name="System 系统")
    existing = propose(product, title="深色模式跟随日出日落", author=UserFactory())
    propose(product, title="相机夜景模式更快", author=UserFactory())

    sign_in(phone, base, "ada")
    phone.goto(base + "/ideas/miui/")
    assert_fits_the_phone(phone)
    phone.locator("a.button[href='/ideas/miui/new/']").click()
    expect(phone.locator("h1")).to_have_text("提出想法")
    phone.locator("input[name=title]").press_sequentially("希望增加深色模式", delay=30)
    suggestion = phone.locator("#similar .similar-ideas a")
    expect(suggestion).to_have_text(["深色模式跟随日出日落"])
    assert_fits_the_phone(phone)

    # Posting without JavaScript's help would show the same list first; here the fan posts anyway.
    phone.locator("select[name=area]").select_option(label="System 系统")
    phone.locator("textarea[name=source]").fill("晚上自动切换到深色。")
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("#similar.message a")).to_have_text(["深色模式跟随日出日落"])
    assert Idea.objects.count() == 2
    phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/t/\d+/$"))
    expect(phone.locator(".idea-panel .tag.status")).to_have_text("新想法")
    assert Idea.objects.count() == 3

    # On second thought, the fan votes for the idea that was there first (htmx swaps the button).
    phone.goto(base + existing.get_absolute_url())
    phone.locator(".idea-panel .vote-button").click()
    expect(phone.locator(".idea-panel .vote-button")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(".idea-panel .vote-count strong")).to_have_text("1")
    assert IdeaVote.objects.filter(idea=existing, user=fan).exists()
    assert_fits_the_phone(phone)
