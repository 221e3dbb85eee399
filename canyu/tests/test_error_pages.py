"""Styled error pages in both languages, each saying why and when to try again; 400, 500 and 503 render
from standalone templates (no user, no database, no cache)."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
STYLESHEET = '<link rel="stylesheet" href="/static/css/canyu.css">'


def page(response) -> str:
    html = response.content.decode()
    assert STYLESHEET in html
    return html


@pytest.mark.parametrize(
    ("headers", "lang", "why", "retry"),
    [
        (CHINESE, "zh-hans", "无法读取", "检查地址"),
        (ENGLISH, "en", "cannot read", "Check the address"),
    ],
)
def test_a_bad_request_gets_the_styled_400_page(client, headers, lang, why, retry):
    response = client.get("/", HTTP_HOST="not-ours.example", **headers)
    assert response.status_code == 400
    html = page(response)
    assert f'<html lang="{lang}">' in html and why in html and retry in html


@pytest.mark.parametrize(
    ("headers", "why", "retry"),
    [
        (CHINESE, "没有执行此操作的权限", "再试也没有用"),
        (ENGLISH, "You do not have permission", "Trying again will not help"),
    ],
)
def test_a_forbidden_page_gets_the_styled_403_page(client, fan, headers, why, retry):
    response = client.get(reverse("forum:report_queue"), **headers)
    assert response.status_code == 403
    html = page(response)
    assert why in html and retry in html


@pytest.mark.parametrize(
    ("headers", "why", "retry"),
    [
        (CHINESE, "这里什么也没有", "检查地址"),
        (ENGLISH, "There is nothing here", "Check the address"),
    ],
)
def test_a_missing_page_gets_the_styled_404_page(client, headers, why, retry):
    response = client.get("/no-such-page/", **headers)
    assert response.status_code == 404
    html = page(response)
    assert why in html and retry in html


@pytest.mark.parametrize(
    ("headers", "why", "retry"),
    [
        (CHINESE, "尝试次数过多", "后再试"),
        (ENGLISH, "Too many attempts", "Please try again in"),
    ],
)
def test_too_many_sign_ins_get_the_styled_429_page(client, settings, headers, why, retry):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.username, "password": "wrong"}, **headers)
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD}, **headers)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = page(response)
    assert why in html and retry in html


@pytest.mark.urls("canyu.tests.extra_urls")
@pytest.mark.parametrize(
    ("headers", "lang", "why", "retry"),
    [
        (CHINESE, "zh-hans", "我们这边出了错", "请过几分钟再试"),
        (ENGLISH, "en", "An error on our side", "Please try again in a few minutes"),
    ],
)
def test_a_bug_gets_the_styled_500_page(headers, lang, why, retry):
    response = Client(raise_request_exception=False).get("/broken/", **headers)
    assert response.status_code == 500
    html = page(response)
    assert f'<html lang="{lang}">' in html and why in html and retry in html


def starting_up(execute, sql, params, many, context):
    # What PostgreSQL answers while it restarts (the outside world: faked here; test_outages takes a real one down).
    raise OperationalError("FATAL:  the database system is starting up")


@pytest.mark.parametrize(
    ("headers", "lang", "why", "retry"),
    [
        (CHINESE, "zh-hans", "数据库正在重启", "请 30 秒后再试"),
        (ENGLISH, "en", "The database is restarting", "Please try again in 30 seconds"),
    ],
)
def test_a_database_restarting_gets_the_styled_503_page(client, headers, lang, why, retry):
    with connection.execute_wrapper(starting_up):
        response = client.get(reverse("home"), **headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = page(response)
    assert f'<html lang="{lang}">' in html and why in html and retry in html


def test_the_503_page_asks_nothing_of_the_database(client, fan):
    """Signed in: a page extending base.html would look up the user and their unread notifications."""
    queries = []

    def count_and_fail(execute, sql, params, many, context):
        queries.append(sql)
        raise OperationalError("server closed the connection unexpectedly")

    client = Client(raise_request_exception=False)
    client.force_login(fan)
    with connection.execute_wrapper(count_and_fail):
        response = client.get(reverse("forum:index"))
    assert response.status_code == 503
    assert "数据库正在重启" in page(response)
    assert len(queries) == 1  # the session or user lookup that failed; the page itself asked nothing


def test_an_htmx_request_on_a_restarting_database_gets_the_message_alone(fan):
    """A vote or poll button (htmx) shows the answer in the page's alert box (base.html): the message and
    when to retry, not a second page inside the first."""
    client = Client(raise_request_exception=False)
    client.force_login(fan)
    with connection.execute_wrapper(starting_up):
        response = client.post(reverse("ideas:index"), HTTP_HX_REQUEST="true", **CHINESE)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "数据库正在重启" in html and "请 30 秒后再试" in html
    assert "<html" not in html and STYLESHEET not in html and "site-header" not in html


@pytest.mark.urls("canyu.tests.extra_urls")
def test_an_htmx_request_hitting_a_bug_gets_the_message_alone():
    response = Client(raise_request_exception=False).post("/broken/", HTTP_HX_REQUEST="true", **ENGLISH)
    assert response.status_code == 500
    html = response.content.decode()
    assert "An error on our side" in html and "<html" not in html


def test_every_page_has_the_box_where_htmx_shows_a_server_error(client):
    html = client.get(reverse("forum:index")).content.decode()
    assert '<div id="request-trouble" class="request-trouble" role="alert"></div>' in html
    assert '{"code":"5..","swap":true,"error":true,"target":"#request-trouble","swapOverride":"innerHTML"}' in html
