"""allauth's limits answer 429 with Retry-After: a locked-out sign-in, sign-ups per address per hour and day."""

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NOW = "2026-11-20 10:00:00+08:00"


def sign_in(client, login, password, **headers):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **headers)


def sign_up(client, n, address="203.0.113.7"):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"new{n}@example.com",
            "username": f"newfan{n}",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        REMOTE_ADDR=address,
    )


def fail_five_times(client, clock):
    """allauth's login_failed limit: 5 failures for one login in 5 minutes."""
    for _ in range(5):
        assert sign_in(client, "bob", "wrong password").status_code == 200
        clock.shift(10)


def test_a_locked_out_sign_in_answers_429_with_retry_after_and_keeps_the_login(client):
    UserFactory(username="bob")
    with time_machine.travel(NOW, tick=False) as clock:
        fail_five_times(client, clock)
        response = sign_in(client, "bob", PASSWORD)
        assert "_auth_user_id" not in client.session
    assert response.status_code == 429
    assert response["Retry-After"] == str(300 - 50)
    assert response.context["form"]["login"].value() == "bob"
    # The site's default language, Chinese: 250 seconds, rounded up to whole minutes.
    assert "登录失败次数过多，请在 5 分钟后再试。" in response.content.decode()


def test_the_lockout_is_told_in_the_visitors_language(client):
    UserFactory(username="bob")
    with time_machine.travel(NOW, tick=False) as clock:
        fail_five_times(client, clock)
        response = sign_in(client, "bob", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Please try again in 5 minutes." in response.content.decode()


def test_the_lockout_ends_when_the_oldest_failure_is_5_minutes_old(client):
    UserFactory(username="bob")
    with time_machine.travel(NOW, tick=False) as clock:
        fail_five_times(client, clock)
        clock.shift(300 - 50 - 1)
        refused = sign_in(client, "bob", PASSWORD)
        clock.shift(1)
        accepted = sign_in(client, "bob", PASSWORD)
        signed_in = client.session.get("_auth_user_id")  # read while the session is fresh
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    assert accepted.status_code == 302 and signed_in


def test_a_wrong_password_before_the_lockout_is_a_form_error(client):
    UserFactory(username="bob")
    response = sign_in(client, "bob", "wrong password")
    assert response.status_code == 200 and "Retry-After" not in response
    assert response.context["form"].errors


def test_sign_ups_from_one_address_are_capped_per_hour(client):
    # The default: ten an hour (SIGNUPS_PER_IP_HOUR), each attempt counted.
    with time_machine.travel(NOW, tick=False) as clock:
        for n in range(10):
            assert sign_up(client, n).status_code == 302
            clock.shift(4 * 60)
        refused = sign_up(client, 10)
        other_address = sign_up(client, 11, address="198.51.100.9")
        clock.shift(20 * 60 - 1)
        still_refused = sign_up(client, 12)
        clock.shift(1)
        accepted = sign_up(client, 13)
    assert refused.status_code == 429 and refused["Retry-After"] == str(20 * 60)
    assert "20 分钟" in refused.content.decode()
    assert other_address.status_code == 302
    assert still_refused.status_code == 429 and still_refused["Retry-After"] == "1"
    assert accepted.status_code == 302
    assert not User.objects.filter(username__in=["newfan10", "newfan12"]).exists()
    assert User.objects.filter(username="newfan13").exists()


def test_sign_ups_from_one_address_are_capped_per_day(client, settings):
    settings.ACCOUNT_RATE_LIMITS = settings.ACCOUNT_RATE_LIMITS | {"signup": "20/m/ip,2/h/ip,3/d/ip"}
    with time_machine.travel(NOW, tick=False) as clock:
        for n in range(3):
            assert sign_up(client, n).status_code == 302
            clock.shift(2 * 3600)
        refused = sign_up(client, 3, address="203.0.113.7")
        clock.shift(18 * 3600 - 1)
        still_refused = sign_up(client, 4)
        clock.shift(1)
        accepted = sign_up(client, 5)
    assert refused.status_code == 429 and refused["Retry-After"] == str(18 * 3600)
    assert still_refused.status_code == 429 and still_refused["Retry-After"] == "1"
    assert accepted.status_code == 302


def test_the_default_sign_up_limits_have_an_hourly_and_a_daily_rule(settings):
    assert settings.ACCOUNT_RATE_LIMITS["signup"] == "20/m/ip,10/h/ip,30/d/ip"
