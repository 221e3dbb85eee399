"""Steps several browser tests take: signing in and out, checking the phone width."""

from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD

PHONE_WIDTH = 360


def sign_in(phone, base, username):
    phone.goto(base + "/accounts/login/")
    form = phone.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button").click()
    expect(phone.locator(".account-nav .me")).to_be_visible()


def sign_out(phone):
    phone.locator("footer form.sign-out button").click()
    expect(phone.locator(".account-nav .me")).to_have_count(0)


def assert_fits_the_phone(phone):
    # After the stylesheet has loaded: a page checked by its text alone can be
    # measured unstyled on a busy machine (its tables then overflow).
    phone.wait_for_load_state("load")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
