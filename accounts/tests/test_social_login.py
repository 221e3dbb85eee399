"""Social login against faked provider HTTP answers (the `responses` library
intercepts requests' transport: nothing leaves the machine). Providers come from
the environment only, and only configured ones are installed and routed."""

import importlib
from contextlib import ExitStack
from urllib.parse import parse_qs, urlparse

import allauth.urls
import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount import providers as allauth_providers
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import admin
from django.test import override_settings
from django.urls import clear_url_caches, reverse

import canyu.urls
from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from canyu.tests.test_environment import run_manage

pytestmark = pytest.mark.django_db


def rebuild_routes():
    """What starting the site with other settings does: allauth registers the installed
    providers and builds their URLs once, at import time."""
    allauth_providers.registry.provider_map.clear()
    allauth_providers.registry.loaded = False
    admin_login = admin.site.login
    importlib.reload(allauth.urls)
    importlib.reload(canyu.urls)
    admin.site.login = admin_login  # canyu.urls wraps it once; not once per reload
    clear_url_caches()


@pytest.fixture
def configure():
    """Start the site as if the environment configured these providers (name -> client id)."""
    stack = ExitStack()

    def configure(**client_ids):
        stack.enter_context(
            override_settings(
                SOCIALACCOUNT_PROVIDERS={
                    provider: {"APPS": [{"client_id": client_id, "secret": f"{provider}-secret", "key": ""}]}
                    for provider, client_id in client_ids.items()
                },
                INSTALLED_APPS=[
                    *settings.INSTALLED_APPS,
                    *(f"allauth.socialaccount.providers.{provider}" for provider in client_ids),
                ],
            )
        )
        rebuild_routes()

    yield configure
    stack.close()
    rebuild_routes()


@pytest.fixture
def github(configure):
    configure(github="gh-id")


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


def test_a_socialapp_row_in_the_database_is_not_a_provider(client, github):
    SocialApp.objects.create(provider="github", name="Second GitHub", client_id="other", secret="x")
    SocialApp.objects.create(provider="weibo", name="Weibo", client_id="wb-id", secret="wb-secret")
    html = client.get(reverse("account_login")).content.decode()
    assert html.count("provider-github") == 1 and "provider-weibo" not in html
    assert start_login(client, "github")["client_id"] == ["gh-id"]  # not two apps: no 500


@pytest.mark.parametrize("path", ["/accounts/{p}/login/", "/accounts/{p}/login/callback/"])
@pytest.mark.parametrize("provider", ["github", "weibo", "weixin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unconfigured_providers_urls_are_not_found(client, path, provider, method):
    assert getattr(client, method)(path.format(p=provider), {"code": "abc", "state": "x"}).status_code == 404


def test_only_the_configured_provider_is_routed(client, configure):
    configure(weibo="wb-id")
    response = client.post("/accounts/weibo/login/")
    assert response.status_code == 302 and response.url.startswith("https://api.weibo.com/oauth2/authorize")
    assert client.post("/accounts/github/login/").status_code == 404
    assert client.get("/accounts/weixin/login/callback/").status_code == 404


def test_the_socialapp_admin_is_not_offered(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404


@responses.activate
def test_github_login_creates_a_verified_fan_and_signs_them_in(client, github):
    query = start_login(client, "github")
    assert query["client_id"] == ["gh-id"]
    responses.post(
        "https://github.com/login/oauth/access_token",
        json={"access_token": "tok", "token_type": "bearer", "scope": "user:email"},
    )
    responses.get(
        "https://api.github.com/user", json={"id": 4242, "login": "octofan", "name": "Octo Fan", "email": None}
    )
    responses.get(
        "https://api.github.com/user/emails", json=[{"email": "octo@example.com", "primary": True, "verified": True}]
    )

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
def test_wechat_login_asks_for_an_email_then_creates_a_fan(client, mailoutbox, configure):
    configure(weixin="wx-id")
    query = start_login(client, "weixin")
    responses.post(
        "https://api.weixin.qq.com/sns/oauth2/access_token",
        json={"access_token": "tok", "expires_in": 7200, "openid": "wx-openid-1", "scope": "snsapi_login"},
    )
    responses.get(
        "https://api.weixin.qq.com/sns/userinfo",
        json={"openid": "wx-openid-1", "nickname": "微信用户", "headimgurl": ""},
    )

    response = client.get(reverse("weixin_callback"), {"code": "abc", "state": query["state"][0]})
    # WeChat gives no e-mail address: the fan is asked for one.
    assert response.status_code == 302 and response.url == reverse("socialaccount_signup")
    response = client.post(reverse("socialaccount_signup"), {"email": "wx@example.com", "username": "微信米粉"})

    assert response.status_code == 302
    user = User.objects.get(username="微信米粉")
    assert list(user.groups.values_list("name", flat=True)) == [Role.FAN.value]
    assert mailoutbox[-1].to == ["wx@example.com"]  # to verify the address


def test_the_environment_decides_which_providers_are_installed():
    code = (
        "from django.urls import Resolver404, resolve\n"
        "for provider in ('github', 'weibo', 'weixin'):\n"
        "    try:\n        resolve(f'/accounts/{provider}/login/'); print(provider)\n"
        "    except Resolver404:\n        pass\n"
    )
    env = {"WEIBO_CLIENT_ID": "wb-id", "WEIBO_SECRET": "wb-secret", "GITHUB_CLIENT_ID": "", "GITHUB_SECRET": ""}
    result = run_manage("shell", "--verbosity", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["weibo"]
