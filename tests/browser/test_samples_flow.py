"""A fan applies for an engineering sample on a phone without JavaScript (a missing answer stops the
form, keeping what was typed; the server's refusal is tested in samples/tests), is selected by staff,
and finds their build diary."""

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from samples import selecting
from samples.models import Application
from samples.tests.factories import make_programme
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_applying_for_a_sample_on_a_phone(live_server, browser, in_english):
    base = live_server.url
    UserFactory(username="ada")
    programme = make_programme(samples=1)
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
    plain.get_by_role("link", name="Engineering samples").first.click()
    plain.get_by_role("link", name=programme.title).click()
    plain.get_by_label("Why do you want one?").fill("To test mesh at home.")
    plain.get_by_role("button", name="Apply").click()
    expect(plain.get_by_label("Why do you want one?")).to_have_value("To test mesh at home.")
    assert Application.objects.count() == 0
    plain.get_by_label("What will you test first?").fill("Range through three walls.")
    assert_fits_the_phone(plain)
    plain.get_by_role("button", name="Apply").click()
    expect(plain.locator(".messages")).to_contain_text("Your application is in")

    selecting.select_applicant(application=Application.objects.get(), by=UserFactory(is_staff=True))
    plain.reload()
    plain.get_by_role("link", name="Your build diary").click()
    expect(plain.locator("h1")).to_contain_text("Build diary")
    assert_fits_the_phone(plain)
    context.close()
