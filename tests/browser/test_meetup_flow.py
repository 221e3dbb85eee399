"""A fan answers a full meetup on a phone without JavaScript, lands on the waiting list, gets the
seat when someone cancels, downloads the .ics."""

from datetime import timedelta

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from meetups import rsvps
from meetups.models import Rsvp
from meetups.tests.factories import make_city, make_meetup
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_a_waiting_list_seat_on_a_phone(live_server, browser, in_english):
    base = live_server.url
    fan = UserFactory(username="ada", city="Shenzhen")
    first = UserFactory()
    make_meetup(city=make_city("Beijing"), title="Beijing walk")
    meetup = make_meetup(
        city=make_city("Shenzhen"), capacity=1, starts_in=timedelta(days=5), title="Popcorn in the park"
    )
    rsvps.answer_meetup(meetup=meetup, fan=first)
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        java_script_enabled=False,
    )
    plain = context.new_page()
    sign_in(plain, base, "ada")
    plain.goto(base + "/meetups/")
    expect(plain.locator(".meetup-city").first).to_contain_text("Shenzhen")
    plain.get_by_role("link", name="Popcorn in the park").click()
    assert_fits_the_phone(plain)
    plain.get_by_role("button", name="Join the waiting list").click()
    expect(plain.locator(".messages")).to_contain_text("waiting list")
    rsvps.cancel_rsvp(meetup=meetup, fan=first)
    plain.reload()
    expect(plain.get_by_text("You have a seat.")).to_be_visible()
    assert Rsvp.objects.get(fan=fan).status == "going"
    with plain.expect_download() as download:
        plain.get_by_role("link", name="Add to my calendar (.ics)").click()
    assert download.value.suggested_filename == f"meetup-{meetup.pk}.ics"
    assert_fits_the_phone(plain)
    context.close()
