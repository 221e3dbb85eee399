"""A fan takes a quiz on a phone without JavaScript: starts it, sees the server's deadline, answers,
submits; after the freeze the result page shows their rank and the correct answers."""

from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from quiz import freezing
from quiz.models import Attempt, Quiz
from quiz.tests.factories import make_quiz
from tests.browser.steps import assert_fits_the_phone, sign_in


def test_a_quiz_taken_on_a_phone_without_javascript(live_server, browser, tmp_path, in_english):
    base = live_server.url
    fan = UserFactory(username="ada")
    quiz = make_quiz(
        questions=[
            ("Which chip powers the Nova 9, the phone with the very long product name?", ["Kirin 778", "A16"], 0),
            ("How many cameras?", ["One", "Two", "Three"], 2),
        ]
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
    plain.goto(base + "/quizzes/")
    plain.get_by_role("link", name=quiz.title).click()
    assert_fits_the_phone(plain)
    plain.get_by_role("button", name="Start the quiz").click()
    expect(plain.locator(".quiz-deadline")).to_contain_text("Submit by")
    plain.get_by_label("Kirin 778").check()
    plain.get_by_label("Two").check()
    assert_fits_the_phone(plain)
    plain.screenshot(path=tmp_path / "sheet.png", full_page=True)
    plain.get_by_role("button", name="Submit my answers").click()
    expect(plain.locator(".messages")).to_contain_text("Your answers are in")
    attempt = Attempt.objects.get(fan=fan)
    assert attempt.score == 1

    Quiz.objects.filter(pk=quiz.pk).update(closes_at=attempt.submitted_at)
    assert freezing.freeze_quiz(quiz=quiz, now=attempt.submitted_at + freezing.freeze_delay())
    plain.goto(base + quiz.get_absolute_url())
    plain.get_by_role("link", name="See the result").click()
    expect(plain.locator(".quiz-standing")).to_contain_text("You placed 1 with 1 correct.")
    expect(plain.locator(".quiz-review li.correct")).to_have_count(2)
    assert_fits_the_phone(plain)
    context.close()
