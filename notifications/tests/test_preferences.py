"""The e-mail settings page: one choice per kind."""

import pytest
from django.urls import reverse

from notifications.models import EmailChoice, EmailPreference, Kind

pytestmark = pytest.mark.django_db

URL = "/settings/notifications/"


def test_the_page_shows_the_defaults_until_chosen(client, fan):
    form = client.get(URL).context["form"]
    assert form.initial == {
        Kind.RELEASE: EmailChoice.DAILY,
        Kind.REPLY: EmailChoice.IMMEDIATE,
        Kind.MENTION: EmailChoice.IMMEDIATE,
        Kind.IDEA: EmailChoice.DAILY,
        Kind.POLL: EmailChoice.DAILY,
        Kind.REPORT: EmailChoice.OFF,
        Kind.AWARD: EmailChoice.IMMEDIATE,
        Kind.LIKE: EmailChoice.OFF,
        Kind.MEDAL: EmailChoice.DAILY,
        Kind.LEVEL: EmailChoice.OFF,
        Kind.MEETUP: EmailChoice.IMMEDIATE,
        Kind.SAMPLE: EmailChoice.IMMEDIATE,
    }


def test_saving_stores_one_row_per_kind(client, fan):
    choices = dict.fromkeys(Kind, EmailChoice.IMMEDIATE) | {
        Kind.REPLY: EmailChoice.DAILY,
        Kind.MENTION: EmailChoice.OFF,
    }
    response = client.post(URL, choices)
    assert response.status_code == 302
    assert dict(EmailPreference.objects.filter(user=fan).values_list("kind", "email")) == choices


def test_saving_again_updates_the_same_rows(client, fan):
    client.post(URL, dict.fromkeys(Kind, EmailChoice.DAILY))
    client.post(URL, dict.fromkeys(Kind, EmailChoice.OFF))
    assert list(EmailPreference.objects.filter(user=fan).values_list("email", flat=True).distinct()) == ["off"]
    assert EmailPreference.objects.filter(user=fan).count() == len(Kind)
    assert client.get(URL).context["form"].initial[Kind.REPLY] == EmailChoice.OFF


def test_an_unknown_choice_is_refused(client, fan):
    response = client.post(
        URL,
        {
            Kind.RELEASE: "hourly",
            Kind.REPLY: EmailChoice.OFF,
            Kind.MENTION: EmailChoice.OFF,
            Kind.IDEA: EmailChoice.OFF,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].has_error(Kind.RELEASE, "invalid_choice")
    assert not EmailPreference.objects.exists()


def test_the_page_needs_signing_in(client):
    assert client.get(URL).status_code == 302


def test_the_settings_nav_links_to_it(client, fan):
    assert f'href="{URL}"' in client.get(reverse("accounts:preferences")).content.decode()
