"""A fan guesses the product on a phone without JavaScript, changes the guess, and after the reveal
sees the answer and that they guessed right."""

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from guesses import revealing
from guesses.models import Guess, Teaser
from guesses.tests.factories import make_teaser
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_a_guess_placed_changed_and_revealed_on_a_phone(live_server, browser, in_english):
    base = live_server.url
    fan = UserFactory(username="ada")
    teaser = make_teaser(
        answer=1, clues=[("It has a camera and a very long clue that must wrap on a phone screen.", -5), ("Secret", 90)]
    )
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        java_script_enabled=False,
    )
    plain = context.new_page()
    sign_in(plain, base, "ada")
    plain.goto(base + "/activities/")
    plain.get_by_role("link", name=teaser.title).click()
    expect(plain.locator(".guess-clues")).to_contain_text("It has a camera")
    expect(plain.locator(".guess-clues")).not_to_contain_text("Secret")
    plain.get_by_label("Nova 9").check()
    plain.get_by_role("button", name="Guess").click()
    expect(plain.locator(".messages")).to_contain_text("Your guess is in")
    expect(plain.get_by_label("Nova 9")).to_be_checked()
    plain.get_by_label("Nova 10").check()
    plain.get_by_role("button", name="Change my guess").click()
    assert Guess.objects.get(fan=fan).choice.label == "Nova 10"
    assert_fits_the_phone(plain)

    Teaser.objects.filter(pk=teaser.pk).update(closes_at=teaser.opens_at + (teaser.closes_at - teaser.opens_at) / 100)
    teaser.refresh_from_db()
    assert revealing.reveal_teaser(teaser=teaser, now=teaser.closes_at + revealing.REVEAL_MARGIN)
    plain.reload()
    expect(plain.locator(".guess-answer")).to_contain_text("Nova 10")
    expect(plain.locator(".guess-answer")).to_contain_text("You guessed right!")
    assert_fits_the_phone(plain)
    context.close()
