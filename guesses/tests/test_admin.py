"""Staff write teasers in the admin: choices with exactly one answer, publishing checked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guesses.models import Choice, Teaser
from guesses.tests.factories import make_teaser

pytestmark = pytest.mark.django_db


def form_data(teaser, choices, answer=(), **changes):
    local = timezone.localtime
    data = {
        "title": teaser.title,
        "description": "",
        "thread": "",
        "opens_at_0": local(teaser.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": local(teaser.opens_at).strftime("%H:%M:%S"),
        "closes_at_0": local(teaser.closes_at).strftime("%Y-%m-%d"),
        "closes_at_1": local(teaser.closes_at).strftime("%H:%M:%S"),
        "clues-TOTAL_FORMS": 0,
        "clues-INITIAL_FORMS": 0,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": 0,
    }
    for n, label in enumerate(choices):
        data[f"choices-{n}-position"] = n + 1
        data[f"choices-{n}-label"] = label
        if n in answer:
            data[f"choices-{n}-correct"] = "on"
    data.update(changes)
    return data


def draft():
    return make_teaser(published=False, choices=[], opens_at=timezone.now() + timedelta(days=1))


@pytest.mark.parametrize(("answer", "message"), [((), "Mark exactly one"), ((0, 1), "Mark exactly one")])
def test_choices_without_exactly_one_answer_are_refused_keeping_the_text(admin_client, answer, message):
    teaser = draft()
    response = admin_client.post(
        reverse("admin:guesses_teaser_change", args=[teaser.pk]), form_data(teaser, ["Pad 7", "Band 9"], answer)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Band 9" in html
    assert not Choice.objects.filter(teaser=teaser).exists()


def test_choices_with_one_answer_are_saved(admin_client):
    teaser = draft()
    response = admin_client.post(
        reverse("admin:guesses_teaser_change", args=[teaser.pk]), form_data(teaser, ["Pad 7", "Band 9"], {1})
    )
    assert response.status_code == 302
    assert list(Choice.objects.filter(teaser=teaser).values_list("label", "correct")) == [
        ("Pad 7", False),
        ("Band 9", True),
    ]


def test_publishing_without_choices_is_refused(admin_client):
    teaser = draft()
    response = admin_client.post(
        reverse("admin:guesses_teaser_change", args=[teaser.pk]), form_data(teaser, [], published="on")
    )
    assert response.status_code == 200
    assert "A teaser needs 2 to 10 choices, exactly one of them the answer." in response.content.decode()
    assert not Teaser.objects.get(pk=teaser.pk).published
