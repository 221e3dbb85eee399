"""Unsubscribing from a mail's link, without signing in."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from notifications import unsubscribing
from notifications.models import EmailChoice, EmailPreference, Kind
from notifications.tests.factories import make_notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def unsubscribe_path(user, kinds=(Kind.REPLY,)):
    token = unsubscribing.unsubscribe_token(user_id=user.pk, kinds=list(kinds))
    return reverse("notifications:unsubscribe", args=[token])


def choice_of(user, kind=Kind.REPLY):
    return EmailPreference.objects.filter(user=user, kind=kind).values_list("email", flat=True).first()


def test_opening_the_link_asks_and_changes_nothing(client):
    fan = UserFactory()
    response = client.get(unsubscribe_path(fan))
    assert response.status_code == 200
    assert '<form method="post"' in response.content.decode()
    assert choice_of(fan) is None  # still the default: right away


def test_confirming_turns_that_kind_off(client):
    fan = UserFactory()
    response = client.post(unsubscribe_path(fan))
    assert response.status_code == 200
    assert choice_of(fan) == EmailChoice.OFF
    assert choice_of(fan, Kind.MENTION) is None  # other kinds untouched


def test_confirming_twice_is_harmless(client):
    fan = UserFactory()
    client.post(unsubscribe_path(fan))
    assert client.post(unsubscribe_path(fan)).status_code == 200
    assert EmailPreference.objects.filter(user=fan).count() == 1


def test_one_click_post_without_csrf_token_works():
    # What a mail provider sends for RFC 8058: no cookie, no CSRF token.
    fan = UserFactory()
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(unsubscribe_path(fan), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert choice_of(fan) == EmailChoice.OFF


def test_a_digest_link_turns_off_all_its_kinds(client):
    fan = UserFactory()
    client.post(unsubscribe_path(fan, kinds=[Kind.RELEASE, Kind.REPLY]))
    assert (choice_of(fan, Kind.RELEASE), choice_of(fan, Kind.REPLY)) == (EmailChoice.OFF, EmailChoice.OFF)


def test_the_link_in_a_mail_unsubscribes(client, django_capture_on_commit_callbacks):
    fan = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        make_notification(fan)
    url = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    client.post(url.removeprefix("http://127.0.0.1:8000"))
    assert choice_of(fan) == EmailChoice.OFF


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_token_is_refused_with_a_clear_page(client, method):
    fan = UserFactory()
    forged = unsubscribe_path(fan).replace("/unsubscribe/", "/unsubscribe/x")
    response = getattr(client, method)(forged)
    assert response.status_code == 400
    assert "does not work" in response.content.decode()
    assert choice_of(fan) is None


def test_a_token_signed_for_something_else_is_refused(client):
    from django.core import signing

    fan = UserFactory()
    other = signing.dumps({"u": fan.pk, "k": [Kind.REPLY]}, salt="some.other.purpose")
    assert client.post(reverse("notifications:unsubscribe", args=[other])).status_code == 400
    assert choice_of(fan) is None


@pytest.mark.parametrize("payload", [{"u": 1, "k": ["nonsense"]}, {"u": "1", "k": ["reply"]}, {"u": 1, "k": []}, [1]])
def test_a_well_signed_token_of_the_wrong_shape_is_refused(client, payload):
    from django.core import signing

    token = signing.dumps(payload, salt=unsubscribing.SALT)
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 400


def test_a_token_of_a_deleted_account_is_404(client):
    token = unsubscribing.unsubscribe_token(user_id=987654, kinds=[Kind.REPLY])
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "does not work" in response.content.decode()
