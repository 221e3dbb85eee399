import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {"email": "new@example.com", "username": "newfan", "password1": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return client.post(reverse("account_signup"), data)


def test_signup_creates_a_fan_and_sends_a_confirmation_link(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(username="newfan")
    assert list(user.groups.values_list("name", flat=True)) == [Role.FAN.value]
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/confirm-email/\S+/", mail.outbox[0].body)


def test_an_unconfirmed_account_cannot_sign_in(client):
    signup(client)
    client.logout()
    response = client.post(reverse("account_login"), {"login": "newfan", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_following_the_confirmation_link_verifies_the_address(client):
    signup(client)
    link = re.search(r"(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(email="new@example.com").verified


@pytest.mark.parametrize("taken", ["Alice", "ALICE", "ａｌｉｃｅ", "ＡＬＩＣＥ"])
def test_a_username_taken_in_another_case_or_width_is_refused(client, taken):
    UserFactory(username="alice")
    response = signup(client, username=taken)
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


def test_full_width_username_is_stored_normalised(client):
    signup(client, username="ｆａｎ＿ｏｎｅ")
    assert User.objects.filter(username="fan_one").exists()


@pytest.mark.parametrize("name", ["bad\u202ename", "zero\u200bwidth"])
def test_usernames_with_invisible_characters_are_refused(client, name):
    response = signup(client, username=name)
    assert response.status_code == 200
    assert response.context["form"].has_error("username", "invisible_character")
    assert not User.objects.exists()


def test_a_registered_email_in_other_case_does_not_create_a_second_account(client):
    UserFactory(username="first", email="same@example.com")
    response = signup(client, email="SAME@example.com", username="second")
    # No enumeration: the page looks like a normal sign-up...
    assert response.status_code == 302
    # ...but no account is made, and the owner is told by mail instead.
    assert not User.objects.filter(username="second").exists()
    assert mail.outbox[-1].to == ["same@example.com"]


def test_signup_without_csrf_token_is_refused_and_creates_nothing():
    client = Client(enforce_csrf_checks=True)
    response = signup(client)
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    assert not User.objects.exists()


def test_login_by_username_or_email(client):
    UserFactory(username="bob", email="bob@example.com")
    for login in ("bob", "bob@example.com", "BOB@example.com"):
        client.logout()
        response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert response.status_code == 302, login
        assert client.session["_auth_user_id"]


def test_a_login_flood_is_answered_with_429(client):
    UserFactory(username="bob")
    responses = [client.post(reverse("account_login"), {"login": "bob", "password": "wrong"}) for _ in range(31)]
    assert responses[0].status_code == 200
    assert responses[-1].status_code == 429
    assert "429.html" in [t.name for t in responses[-1].templates]


def test_admin_login_goes_through_the_rate_limited_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_short_password_is_explained_in_chinese_on_a_chinese_page(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "a@example.com", "username": "abcde", "password1": "x7Qz", "password2": "x7Qz"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = response.content.decode()
    assert "密码长度太短。密码必须包含至少 8 个字符。" in html and "too short" not in html
