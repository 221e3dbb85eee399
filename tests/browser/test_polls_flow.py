"""A product manager opens a poll on a phone, fans answer it without JavaScript and with htmx, the manager
closes it and the result is in the thread."""

import re

from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory
from ideas import proposing
from polls.models import Poll
from releases.tests.factories import FeatureAreaFactory
from tests.browser.steps import assert_fits_the_phone, sign_in, sign_out


def test_a_poll_opened_answered_and_closed_on_a_phone(live_server, browser, phone, tmp_path, in_english):
    # in_english: the result post is written in the site's language, English here as the phone's.
    base = live_server.url
    UserFactory(username="pm_lin", roles=[Role.PRODUCT_MANAGER])
    UserFactory(username="ada")
    UserFactory(username="bobo")
    area = FeatureAreaFactory()
    idea = proposing.propose_idea(
        board=BoardFactory(holds_ideas=True),
        author=UserFactory(),
        title="Camera ideas",
        source="Tell us.",
        product=area.product,
        area=area,
    )
    candidate = proposing.propose_idea(
        board=idea.thread.board,
        author=UserFactory(),
        source="Please.",
        title="Night mode for the camera with a very long title that wraps",
        product=area.product,
        area=area,
    )
    # No JavaScript at all: the forms must work as plain HTML.
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        java_script_enabled=False,
    )
    plain = context.new_page()

    sign_in(plain, base, "pm_lin")
    plain.goto(base + idea.thread.get_absolute_url())
    plain.get_by_role("link", name="Open a poll").click()
    form = plain.locator("main form")
    form.locator("input[name=question]").fill("Which of these should go into next Friday's build?")
    form.locator(f"input[name=ideas][value='{candidate.pk}']").check()
    form.locator("textarea[name=labels]").fill("Bigger clock on the lock screen\nNeither")
    assert_fits_the_phone(plain)
    form.locator("button[type=submit]").click()
    poll = Poll.objects.get()
    expect(plain).to_have_url(re.compile(rf"#poll-{poll.pk}$"))
    expect(plain.locator(f"#poll-{poll.pk} .poll-hidden-note")).to_be_visible()
    assert_fits_the_phone(plain)
    sign_out(plain)

    sign_in(plain, base, "ada")
    plain.goto(base + idea.thread.get_absolute_url())
    box = plain.locator(f"#poll-{poll.pk}")
    box.get_by_label("Bigger clock on the lock screen").check()
    assert_fits_the_phone(plain)
    plain.screenshot(path=tmp_path / "answer.png", full_page=True)
    box.get_by_role("button", name="Answer").click()
    expect(plain.locator(f"#poll-{poll.pk} .poll-answered")).to_contain_text("Bigger clock on the lock screen")
    expect(plain.locator(f"#poll-{poll.pk}")).to_contain_text("Results are shown when the poll closes.")
    sign_out(plain)

    # With JavaScript, htmx swaps the box in place.
    sign_in(phone, base, "bobo")
    phone.goto(base + idea.thread.get_absolute_url())
    url = phone.url
    phone.locator(f"#poll-{poll.pk}").get_by_label("Bigger clock on the lock screen").check()
    phone.locator(f"#poll-{poll.pk}").get_by_role("button", name="Answer").click()
    expect(phone.locator(f"#poll-{poll.pk} .poll-answered")).to_contain_text("Bigger clock on the lock screen")
    assert phone.url == url and Poll.objects.get().ballot_count == 2

    sign_in(plain, base, "pm_lin")
    plain.goto(base + idea.thread.get_absolute_url())
    plain.get_by_role("link", name="Close the poll now").click()
    plain.get_by_role("button", name="Close the poll now").click()
    expect(plain.locator(f"#poll-{poll.pk} .poll-result.won")).to_contain_text("Bigger clock on the lock screen")
    poll.refresh_from_db()
    expect(plain.locator(f"#p{poll.result_post_id}")).to_contain_text("Result: “Bigger clock on the lock screen”")
    assert_fits_the_phone(plain)
    plain.screenshot(path=tmp_path / "closed.png", full_page=True)
    context.close()
