"""Staff write quizzes in the admin: 2–6 answers with exactly one correct, pictures re-encoded,
publishing checked, questions frozen once the quiz has opened."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from quiz.models import Answer, Question, Quiz
from quiz.tests.factories import make_quiz

pytestmark = pytest.mark.django_db


def question_data(quiz, answers, correct=(), **extra):
    data = {
        "quiz": quiz.pk,
        "position": 9,
        "text": "What is the screen size?",
        "answers-TOTAL_FORMS": len(answers),
        "answers-INITIAL_FORMS": 0,
        "answers-MIN_NUM_FORMS": 0,
        "answers-MAX_NUM_FORMS": 6,
    }
    for n, text in enumerate(answers):
        data[f"answers-{n}-position"] = n + 1
        data[f"answers-{n}-text"] = text
        if n in correct:
            data[f"answers-{n}-correct"] = "on"
    data.update(extra)
    return data


def draft():
    return make_quiz(published=False, opens_at=timezone.now() + timedelta(days=1))


def add_question(admin_client, data):
    return admin_client.post(reverse("admin:quiz_question_add"), data)


def test_a_question_with_one_correct_answer_is_saved(admin_client):
    quiz = draft()
    response = add_question(admin_client, question_data(quiz, ["6.1 in", "6.7 in"], correct={1}))
    assert response.status_code == 302
    question = Question.objects.get(quiz=quiz, position=9)
    assert list(question.answers.values_list("text", "correct")) == [("6.1 in", False), ("6.7 in", True)]


@pytest.mark.parametrize(
    ("answers", "correct", "message"),
    [
        (["6.1 in", "6.7 in"], set(), "Mark exactly one answer as correct."),
        (["6.1 in", "6.7 in"], {0, 1}, "Mark exactly one answer as correct."),
        (["6.1 in"], {0}, "A question needs 2 to 6 answers."),
    ],
)
def test_a_question_breaking_the_rules_is_refused_and_nothing_saved(admin_client, answers, correct, message):
    quiz = draft()
    response = add_question(admin_client, question_data(quiz, answers, correct=correct))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "What is the screen size?" in html  # the typed text stays
    assert not Question.objects.filter(quiz=quiz, position=9).exists()


def png_upload(size=(64, 48)):
    out = io.BytesIO()
    image = Image.new("RGB", size, "orange")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("phone.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_picture_is_re_encoded_as_webp_without_metadata(admin_client):
    quiz = draft()
    response = add_question(admin_client, question_data(quiz, ["A", "B"], correct={0}, picture=png_upload()))
    assert response.status_code == 302
    question = Question.objects.get(quiz=quiz, position=9)
    assert question.picture.name.endswith(".webp")
    data = question.picture.read()
    assert b"SecretCam" not in data
    assert Image.open(io.BytesIO(data)).format == "WEBP"


def test_a_file_that_is_not_an_image_is_refused(admin_client):
    quiz = draft()
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = add_question(admin_client, question_data(quiz, ["A", "B"], correct={0}, picture=fake))
    assert response.status_code == 200
    assert "not an image we accept" in response.content.decode()
    assert not Question.objects.filter(quiz=quiz, position=9).exists()


def quiz_form_data(quiz, **changes):
    data = {
        "title": quiz.title,
        "description": "",
        "thread": "",
        "opens_at_0": timezone.localtime(quiz.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": timezone.localtime(quiz.opens_at).strftime("%H:%M:%S"),
        "closes_at_0": timezone.localtime(quiz.closes_at).strftime("%Y-%m-%d"),
        "closes_at_1": timezone.localtime(quiz.closes_at).strftime("%H:%M:%S"),
        "time_limit": quiz.time_limit,
        "winner_count": quiz.winner_count,
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
        "winners-TOTAL_FORMS": 0,
        "winners-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_publishing_a_quiz_with_a_question_without_a_correct_answer_is_refused(admin_client):
    quiz = draft()
    Answer.objects.filter(question__quiz=quiz, question__position=2).update(correct=False)
    response = admin_client.post(
        reverse("admin:quiz_quiz_change", args=[quiz.pk]), quiz_form_data(quiz, published="on")
    )
    assert response.status_code == 200
    assert "Question 2 needs 2 to 6 answers, exactly one of them correct." in response.content.decode()
    assert not Quiz.objects.get(pk=quiz.pk).published


def test_publishing_a_ready_quiz_works(admin_client):
    quiz = draft()
    response = admin_client.post(
        reverse("admin:quiz_quiz_change", args=[quiz.pk]), quiz_form_data(quiz, published="on")
    )
    assert response.status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).published


def test_questions_of_an_opened_quiz_cannot_be_changed(admin_client):
    quiz = make_quiz()
    question = quiz.questions.first()
    response = admin_client.post(
        reverse("admin:quiz_question_change", args=[question.pk]), question_data(quiz, ["X", "Y"], correct={0})
    )
    assert response.status_code == 403
    assert Question.objects.get(pk=question.pk).text != "What is the screen size?"
