"""Control characters in a path, query string, header or cookie are refused before any view
or lookup (canyu.hostile_input): 404 for a path, 400 for the rest, never a 500. On PostgreSQL a
NUL that reached a query was a DataError; run these there too."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from feedback.tests.reporting import frozen_week
from forum.models import Thread
from forum.tests.factories import make_thread
from ideas.tests.factories import make_pm

pytestmark = pytest.mark.django_db


@pytest.fixture
def release():
    return frozen_week()


def release_urls(release):
    slug = release.product.slug
    return {
        "release": f"/releases/{slug}/%00/",
        "report": f"/report/{slug}/%00/",
        "award": f"/awards/{slug}/%00/",
        "summary": f"/feedback/{slug}/%00/",
        "summary_csv": f"/feedback/{slug}/{release.version}%00/comments.csv",
    }


@pytest.mark.parametrize("name", ["release", "report", "award", "summary", "summary_csv"])
def test_a_nul_in_a_release_address_is_not_found(client, release, name):
    client.force_login(make_pm())
    assert client.get(release_urls(release)[name]).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/u/%00/",
        "/u/ada%00/",
        "/u/ada%01/",
        "/u/ada%7F/",
        "/u/ada%C2%85/",
        "/u/ada%09/",
        "/u/ada%0A/",
        "/notifications/unsubscribe/%00/",
        "/accounts/confirm-email/%00/",
        "/accounts/password/reset/key/1-%00/",
        "/static/%00.css",
    ],
)
def test_a_control_character_in_a_path_is_not_found(client, path):
    UserFactory(username="ada")
    assert client.get(path).status_code == 404


def test_the_same_profile_address_without_the_control_character_is_found(client):
    UserFactory(username="ada")
    assert client.get("/u/ada/").status_code == 200


@pytest.mark.parametrize(
    "query", ["q=%00", "segment=%00&by=device", "before=%00", "item=%01", "%00=1", "cell=%7F", "q=%C2%9B"]
)
def test_a_control_character_in_the_feedback_filters_is_a_bad_request(client, release, query):
    client.force_login(make_pm())
    url = reverse("feedback:summary", args=[release.product.slug, release.version])
    assert client.get(f"{url}?{query}").status_code == 400


def test_the_feedback_filters_without_the_control_character_give_the_page(client, release):
    client.force_login(make_pm())
    url = reverse("feedback:summary", args=[release.product.slug, release.version])
    assert client.get(f"{url}?q=a%09b%0Ac").status_code == 200  # tab and newline are text


@pytest.mark.parametrize("query", ["sort=%00", "status=%00", "area=%00", "page=%00", "q=%00"])
def test_a_nul_in_the_ideas_list_query_is_a_bad_request(client, release, query):
    product = release.product
    assert client.get(reverse("ideas:list", args=[product.slug]) + "?" + query).status_code == 400


def test_a_nul_in_the_similar_titles_query_is_a_bad_request(client, release):
    response = client.get(reverse("ideas:similar", args=[release.product.slug]) + "?title=ab%00cd")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "header",
    [
        "HTTP_USER_AGENT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_REFERER",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_HX_REQUEST",
        "HTTP_COOKIE",
    ],
)
@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f"])
def test_a_control_character_in_a_header_is_a_bad_request(client, header, character):
    assert client.get("/forum/", **{header: f"a{character}b"}).status_code == 400


def test_a_tab_and_utf8_bytes_in_headers_are_accepted(client):
    # A UTF-8 header arrives decoded as Latin-1: 甲 is E7 94 B2, and \x94 there is no C1 control.
    referer = "https://example.com/甲".encode().decode("latin-1")
    assert client.get("/forum/", HTTP_USER_AGENT="a\tb", HTTP_REFERER=referer).status_code == 200


def test_a_nul_in_the_session_cookie_is_a_bad_request(client):
    # An escaped NUL in a quoted cookie: the header itself is plain ASCII.
    client.cookies["sessionid"] = "\x00" + "a" * 31
    assert client.get("/forum/").status_code == 400


def test_the_refusal_speaks_the_visitors_language(client):
    english = client.get("/u/%00/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/u/%00/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Not found" in english
    assert "Not found" not in chinese and 'lang="zh-hans"' in chinese


# --- Form fields: left to the forms, which say what is wrong and keep the text ---------------------------


def test_a_nul_in_the_sign_in_form_is_a_form_error(client):
    UserFactory(username="ada")
    response = client.post(reverse("account_login"), {"login": "ada\x00", "password": "x\x00"})
    assert response.status_code in (200, 400) and response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_nul_in_the_sign_up_form_is_a_form_error(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "a\x00@example.com",
            "username": "ada\x00",
            "password1": "long enough pass",
            "password2": "long enough pass",
        },
    )
    assert response.status_code in (200, 400) and response.context["form"].errors


def test_a_nul_in_the_password_reset_form_is_a_form_error(client):
    response = client.post(reverse("account_reset_password"), {"email": "a\x00@example.com"})
    assert response.status_code in (200, 400) and response.context["form"].errors


def test_a_nul_in_a_board_slug_of_the_move_form_moves_nothing(client):
    client.force_login(UserFactory(roles=[Role.MODERATOR]))
    thread = make_thread()
    response = client.post(reverse("forum:move_thread", args=[thread.pk]), {"board": "x\x00", "reason": "r"})
    assert response.status_code == 400  # the move page again, with the form's error
    assert Thread.objects.get(pk=thread.pk).board_id == thread.board_id


@pytest.mark.parametrize("next_url", ["/forum/\x00", "\x00/evil.example"])
def test_a_nul_in_a_next_address_redirects_safely(client, next_url):
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": next_url})
    assert response.status_code in (302, 400)
    assert "\x00" not in response.get("Location", "")
