"""Engineering-sample programmes: one application per fan before the deadline; never more fans
selected than samples (also under concurrent selections on PostgreSQL); a diary thread and a
notification for each selected fan; the others told once when the selection finishes."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum.models import Thread
from notifications.models import Notification
from samples import applying, selecting
from samples.applying import SampleRefused
from samples.models import Application, Programme
from samples.tests.factories import make_programme
from tests.concurrency import run_at_once
from tests.queries import session_queries

pytestmark = pytest.mark.django_db
ANSWERS = ["To test mesh at home.", "Range through three walls."]


def apply(programme, fan=None):
    return applying.apply_for_sample(programme=programme, fan=fan or UserFactory(), answers=ANSWERS)


def test_a_fan_applies_once():
    programme, fan = make_programme(), UserFactory()
    apply(programme, fan)
    with pytest.raises(SampleRefused, match="already applied"):
        apply(programme, fan)
    assert Application.objects.count() == 1


def test_applying_after_the_deadline_is_refused():
    programme = make_programme(closes_in=timedelta(seconds=-1))
    with pytest.raises(SampleRefused, match="closed"):
        apply(programme)
    assert Application.objects.count() == 0


@pytest.mark.parametrize("answers", [["Only one"], ["", "Second"], ["x" * 1001, "Second"]])
def test_missing_or_overlong_answers_are_refused(answers):
    with pytest.raises(SampleRefused):
        applying.apply_for_sample(programme=make_programme(), fan=UserFactory(), answers=answers)
    assert Application.objects.count() == 0


def test_selecting_starts_a_diary_and_tells_the_fan():
    programme = make_programme()
    application = apply(programme)
    selected = selecting.select_applicant(application=application, by=UserFactory(is_staff=True))
    assert selected.status == Application.Status.SELECTED
    diary = Thread.objects.get(pk=selected.diary_id)
    assert (diary.board_id, diary.author_id) == (programme.board_id, application.fan_id)
    assert Notification.objects.filter(recipient=application.fan, kind="sample").count() == 1
    programme.refresh_from_db()
    assert programme.selected_count == 1


def test_no_more_fans_are_selected_than_samples():
    programme = make_programme(samples=1)
    staff = UserFactory(is_staff=True)
    first, second = apply(programme), apply(programme)
    selecting.select_applicant(application=first, by=staff)
    with pytest.raises(SampleRefused, match="Every sample is given"):
        selecting.select_applicant(application=second, by=staff)
    assert Application.objects.get(pk=second.pk).status == Application.Status.APPLIED


def test_selecting_the_same_application_twice_counts_once():
    programme = make_programme(samples=3)
    staff, application = UserFactory(is_staff=True), apply(programme)
    selecting.select_applicant(application=application, by=staff)
    with pytest.raises(SampleRefused, match="decided already"):
        selecting.select_applicant(application=application, by=staff)
    programme.refresh_from_db()
    assert programme.selected_count == 1


def test_fans_may_not_select():
    with pytest.raises(SampleRefused):
        selecting.select_applicant(application=apply(make_programme()), by=UserFactory())


def test_the_database_refuses_more_selected_than_samples():
    programme = make_programme(samples=1)
    with pytest.raises(IntegrityError):
        Programme.objects.filter(pk=programme.pk).update(selected_count=2)


def test_finishing_tells_the_others_once(django_capture_on_commit_callbacks):
    programme = make_programme()
    staff = UserFactory(is_staff=True)
    chosen, other = apply(programme), apply(programme)
    selecting.select_applicant(application=chosen, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert selecting.finish_selection(programme=programme, by=staff)
    assert not selecting.finish_selection(programme=programme, by=staff)
    assert Application.objects.get(pk=other.pk).status == Application.Status.NOT_SELECTED
    assert selecting.tell_not_selected(programme_id=programme.pk) == 1  # run again: nobody told twice
    assert Notification.objects.filter(recipient=other.fan, kind="sample").count() == 1
    with pytest.raises(SampleRefused):
        selecting.select_applicant(application=other, by=staff)


@pytest.mark.django_db(transaction=True)
def test_concurrent_selections_never_exceed_the_samples():
    programme = make_programme(samples=2)
    staff = UserFactory(is_staff=True)
    applications = [apply(programme) for _ in range(6)]

    def select(application):
        try:
            selecting.select_applicant(application=application, by=staff)
        except SampleRefused:
            return "refused"
        return "selected"

    results = run_at_once([lambda application=application: select(application) for application in applications])
    assert results.count("selected") == 2
    programme.refresh_from_db()
    assert programme.selected_count == 2 == Application.objects.filter(status="selected").count()


def test_the_page_applies_and_keeps_the_text_on_refusal(client, fan, in_english):
    programme = make_programme()
    url = reverse("samples:apply", args=[programme.pk])
    response = client.post(url, {"answer1": "Mesh at home.", "answer2": ""})
    assert response.status_code == 400
    assert "Mesh at home." in response.content.decode()
    assert Application.objects.count() == 0
    assert client.post(url, {"answer1": "Mesh at home.", "answer2": "Range."}).status_code == 302
    assert Application.objects.get().answers == ["Mesh at home.", "Range."]


def test_the_programme_page_makes_a_constant_number_of_queries(client, fan, django_assert_num_queries, settings):
    programme = make_programme()
    apply(programme, fan)
    client.get(programme.get_absolute_url())
    # (session,) programme + product, the reader's application
    with django_assert_num_queries(2 + session_queries(settings)):
        assert client.get(programme.get_absolute_url()).status_code == 200
