"""Social login against faked provider HTTP answers (the `responses` library
intercepts requests' transport: nothing leaves the machine)."""

from urllib.parse import parse_qs, urlparse

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def github(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"github": {"APPS": [{"client_id": "gh-id", "secret": "gh-secret", "key": ""}]}}


def start_login(client, provider):
    response = client.post(reverse(f"{provider}_login"))
    assert response.status_code == 302
    return parse_qs(urlparse(response.url).query)


def test_no_provider_buttons_without_configuration(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "provider-github" not in html and "provider-weibo" not in html


def test_a_provider_configured_in_settings_gets_a_button(client, github):
    html = client.get(reverse("account_login")).content.decode()
    assert "provider-github" in html
    assert "provider-weibo" not in html and "provider-weixin" not in html


def test_a_provider_configured_in_the_admin_gets_a_button(client):
    SocialApp.objects.create(provider="weibo", name="Weibo", client_id="wb-id", secret="wb-secret")
    html = client.get(reverse("account_login")).content.decode()
    assert "provider-weibo" in html and "provider-github" not in html


@responses.activate
def test_github_login_creates_a_verified_fan_and_signs_them_in(client, github):
    query = start_login(client, "github")
    assert query["client_id"] == ["gh-id"]
    responses.post("https://github.com/login/oauth/access_token",
                   json={"access_token": "tok", "token_type": "bearer", "scope": "user:email"})
    responses.get("https://api.github.com/user",
                  json={"id": 4242, "login": "octofan", "name": "Octo Fan", "email": None})
    responses.get("https://api.github.com/user/emails",
                  json=[{"email": "octo@example.com", "primary": True, "verified": True}])

    response = client.get(reverse("github_callback"), {"code": "abc", "state": query["state"][0]})

    assert response.status_code == 302
    user = User.objects.get(socialaccount__uid="4242")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert list(user.groups.values_list("name", flat=True)) == [Role.FAN.value]
    assert EmailAddress.objects.get(user=user, email="octo@example.com").verified


@responses.activate
def test_a_forged_state_is_refused_and_no_account_is_made(client, github):
    start_login(client, "github")
    response = client.get(reverse("github_callback"), {"code": "abc", "state": "forged"})
    assert response.status_code == 401  # allauth's "login failed" page
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert len(responses.calls) == 0  # the code was never exchanged


@responses.activate
def test_wechat_login_asks_for_an_email_then_creates_a_fan(client, mailoutbox):
    SocialApp.objects.create(provider="weixin", name="WeChat", client_id="wx-id", secret="wx-secret")
    query = start_login(client, "weixin")
    responses.post("https://api.weixin.qq.com/sns/oauth2/access_token",
                  json={"access_token": "tok", "expires_in": 7200, "openid": "wx-openid-1", "scope": "snsapi_login"})
    responses.get("https://api.weixin.qq.com/sns/userinfo",
                  json={"openid": "wx-openid-1", "nickname": "微信用户", "headimgurl": ""})

    response = client.get(reverse("weixin_callback"), {"code": "abc", "state": query["state"][0]})
    # WeChat gives no e-mail address: the fan is asked for one.
    assert response.status_code == 302 and response.url == reverse("socialaccount_signup")
    response = client.post(reverse("socialaccount_signup"), {"email": "wx@example.com", "username": "微信米粉"})

    assert response.status_code == 302
    user = User.objects.get(username="微信米粉")
    assert list(user.groups.values_list("name", flat=True)) == [Role.FAN.value]
    assert mailoutbox[-1].to == ["wx@example.com"]  # to verify the address
