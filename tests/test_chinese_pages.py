"""Every page a fan, a product manager, a moderator or an admin sees, rendered in Chinese with Chinese data
only (tests/chinese_site.py), shows no English of ours: a run of Latin letters on such a page can only
come from a template or code that skipped the catalogue.

What a person reads is extracted from each page (tests/visible_text.py: text, the title, the attributes
that are shown or read aloud; not scripts, styles or addresses), and every run of Latin letters in it
must be on a short allow-list of brand names and abbreviations (Canyu, MIUI, CSV...). The failure lists
each page with the texts that have stray words.
"""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from notifications.unsubscribing import unsubscribe_url
from tests.chinese_site import ChineseSite, build_chinese_site
from tests.visible_text import ALLOWED, stray_latin, visible_text

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
THEIR_ADMIN_APPS = {"account", "socialaccount"}
# What Django's admin writes in English whatever the language, outside any catalogue: the alt text
# of its yes/no icons and of the search button's icon, the label of a formset's hidden id field; and
# the Latin words of Django's own Chinese (keys of the keyboard, LDAP).
ADMIN_MACHINERY = frozenset({"True", "False", "Search", "id", "Control", "Command", "Mac", "LDAP"})


@pytest.fixture
def site(settings, django_capture_on_commit_callbacks) -> ChineseSite:
    settings.VOTING_AWARD_MIN_REPORTS = 3
    settings.LANGUAGE_CODE = "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        return build_chinese_site()


def paths_of(site: ChineseSite) -> dict[str, list]:
    """Each reader (a username, or "" for a visitor) and the pages they open (a path, or a path and
    the status it answers with when that is not 200)."""
    product, fan, engineer = site.product.slug, site.fan.username, site.people["工程师周"].username
    this_week, last_month, stable = site.this_week, site.last_month, site.stable
    idea_thread = site.idea.thread
    reading = [
        "/",
        "/forum/",
        *(board.get_absolute_url() for slug, board in site.boards.items() if slug != "staff"),
        site.thread.get_absolute_url(),
        site.locked.get_absolute_url(),
        idea_thread.get_absolute_url(),
        site.reported_post.thread.get_absolute_url(),
        reverse("forum:thread", args=[this_week.announcement_id]),
        reverse("forum:thread", args=[last_month.announcement_id]),
        "/ideas/",
        f"/ideas/{product}/",
        f"/ideas/{product}/?sort=new",
        f"/ideas/{product}/roadmap/",
        "/releases/",
        f"/releases/{product}/",
        f"/releases/{product}/?channel=stable",
        f"/releases/{stable.product.slug}/",
        this_week.get_absolute_url(),
        last_month.get_absolute_url(),
        stable.get_absolute_url(),
        "/search/",
        "/search/?q=锁屏",
        "/search/?q=锁屏&order=new",
        "/search/?q=锁屏&page=99",
        "/search/?q=的",
        "/awards/",
        f"/awards/{product}/",
        f"/awards/{product}/{last_month.version}/",
        f"/awards/{product}/{this_week.version}/",
        *(
            f"/u/{name}/{tab}"
            for name in (fan, engineer)
            for tab in ("", "?tab=posts", "?tab=ideas", "?tab=reports", "?tab=shipped")
        ),
    ]
    return {
        "": reading
        + [
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/accounts/password/reset/done/",
            "/accounts/password/reset/key/1-bad/",
            "/accounts/confirm-email/bad-key/",
            f"/ideas/{product}/similar/?title=锁屏农历",
            unsubscribe_url(user_id=site.fan.pk, kinds=["reply"]).removeprefix("http://testserver"),
            ("/notifications/unsubscribe/not-a-token/", 400),
        ],
        fan: reading
        + [
            f"/report/{product}/{this_week.version}/",
            f"/report/{product}/{last_month.version}/",
            f"/report/{stable.product.slug}/{stable.version}/",
            "/notifications/",
            "/settings/",
            "/settings/profile/",
            "/settings/notifications/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/logout/",
            f"/ideas/{product}/new/",
            "/b/feedback/new/",
            reverse("forum:edit_post", args=[site.edited_post.pk]),
            reverse("forum:report_post", args=[site.reported_post.pk]),
        ],
        "米粉阿美": [f"/report/{product}/{this_week.version}/", "/notifications/", this_week.get_absolute_url(), "/"],
        "产品经理林": [
            f"/feedback/{product}/",
            f"/feedback/{product}/{last_month.version}/",
            f"/feedback/{product}/{this_week.version}/",
            f"/idea/{site.idea.pk}/status/",
            reverse("polls:new", args=[idea_thread.pk]),
            reverse("polls:close", args=[site.poll.pk]),
            idea_thread.get_absolute_url(),
            "/notifications/",
        ],
        "工程师周": ["/notifications/", f"/u/{engineer}/?tab=shipped", f"/awards/{product}/{last_month.version}/"],
        "版主阿强": [
            "/moderation/",
            "/moderation/log/",
            reverse("forum:move_thread", args=[site.thread.pk]),
            reverse("forum:post_revisions", args=[site.edited_post.pk]),
            site.reported_post.thread.get_absolute_url(),
            site.boards["staff"].get_absolute_url(),
            site.locked.get_absolute_url(),
        ],
        "管理员老雷": ["/admin/", *admin_paths(site)],
    }


def admin_paths(site: ChineseSite) -> list[str]:
    """The list and the add form of every model of ours in the admin (and of the roles' groups), and the
    change forms of the week's rows. allauth's own admin pages are allauth's."""
    request = RequestFactory().get("/admin/")
    request.user = site.people["管理员老雷"]
    paths = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label in THEIR_ADMIN_APPS:
            continue
        paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    for row in (site.this_week, site.next_week, site.product, site.fan, site.thread, site.idea):
        meta = row._meta
        if type(row) not in admin.site._registry:
            continue
        paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk]))
    return paths


def strays_on(client: Client, path: str, status: int = 200, slugs: frozenset[str] = frozenset()) -> list[str]:
    response = client.get(path, **CHINESE)
    assert response.status_code == status, f"{path}: {response.status_code}"
    # The admin's lists show slugs (addresses, in Latin letters by nature) beside the names.
    allowed = ALLOWED | ADMIN_MACHINERY | slugs if path.startswith("/admin/") else ALLOWED
    return stray_latin(visible_text(response.content.decode()), allowed)


def test_every_page_in_chinese_shows_no_english_of_ours(site):
    slugs = frozenset([site.product.slug, site.stable.product.slug, *site.boards])
    found = {}
    for username, paths in paths_of(site).items():
        client = Client()
        if username:
            assert client.login(username=username, password=PASSWORD)
        for path in paths:
            path, status = path if isinstance(path, tuple) else (path, 200)
            strays = strays_on(client, path, status, slugs)
            if strays:
                found[f"{username or 'visitor'} {path}"] = strays
    assert found == {}, "\n".join(f"{page}\n  " + "\n  ".join(strays) for page, strays in found.items())


def test_the_error_pages_in_chinese_show_no_english_of_ours(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    fan = UserFactory(username="米粉小王", language="zh-hans")
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    found = {}
    visitor, signed_in = Client(raise_request_exception=False), Client(raise_request_exception=False)
    signed_in.force_login(fan)
    checks = {
        "400": lambda: visitor.get("/", HTTP_HOST="not-ours.example", **CHINESE),
        "403": lambda: signed_in.get(reverse("forum:report_queue"), **CHINESE),
        "403 csrf": lambda: Client(enforce_csrf_checks=True).post(reverse("account_login"), {}, **CHINESE),
        "404": lambda: visitor.get("/no-such-page/", **CHINESE),
        "404 signed in": lambda: signed_in.get("/t/999999/", **CHINESE),
    }
    for name, request in checks.items():
        response = request()
        assert response.status_code == int(name[:3]), name
        found[name] = stray_latin(visible_text(response.content.decode()))
    visitor.post(reverse("account_login"), {"login": "nobody", "password": "wrong"}, **CHINESE)
    response = visitor.post(reverse("account_login"), {"login": "nobody", "password": "wrong"}, **CHINESE)
    assert response.status_code == 429
    found["429"] = stray_latin(visible_text(response.content.decode()))

    def restarting(execute, sql, params, many, context):
        raise OperationalError("FATAL:  the database system is starting up")

    with connection.execute_wrapper(restarting):
        response = visitor.get(reverse("home"), **CHINESE)
    assert response.status_code == 503
    found["503"] = stray_latin(visible_text(response.content.decode()))
    found = {name: strays for name, strays in found.items() if strays}
    assert found == {}, found


@pytest.mark.urls("canyu.tests.extra_urls")
def test_the_500_page_in_chinese_shows_no_english_of_ours(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = Client(raise_request_exception=False).get("/broken/", **CHINESE)
    assert response.status_code == 500
    assert stray_latin(visible_text(response.content.decode())) == []


# --- The extraction itself ---------------------------------------------------------------------------


def test_english_in_text_a_title_a_placeholder_or_a_button_is_found():
    html = (
        '<html lang="zh-hans"><head><title>首页 Home</title></head><body><p>发帖 Reply</p>'
        '<input placeholder="搜索 Search"><input type="submit" value="Save"><img alt="Avatar" src="/a.png">'
        '<a href="/accounts/login/?next=/t/1/" class="sign-in" data-x="Hidden">登录</a></body></html>'
    )
    assert stray_latin(visible_text(html)) == [
        "'首页 Home': Home",
        "'发帖 Reply': Reply",
        "'搜索 Search': Search",
        "'Save': Save",
        "'Avatar': Avatar",
    ]


def test_scripts_styles_addresses_versions_and_marked_languages_are_not_english_of_ours():
    html = (
        '<html lang="zh-hans"><head><style>body { color: red }</style><script>var x = "Hi";</script></head>'
        "<body><p>下载 https://dl.example.com/miui/26.11.20/a.zip，校验 3f2a9c0d1e2b3c4d5e6f</p>"
        "<p>MIUI 26.11.20 · Canyu · V14.0.3 · ada@example.com · 5.6 GB</p>"
        '<select><option value="en" lang="en">English</option><option value="zh-hans">简体中文</option></select>'
        "</body></html>"
    )
    assert stray_latin(visible_text(html)) == []


def test_a_time_in_chinese_has_no_english():
    assert stray_latin(visible_text(f"<p>{timezone.now() - timedelta(hours=1):%Y-%m-%d %H:%M}</p>")) == []


def test_forms_sent_back_with_errors_in_chinese_show_no_english_of_ours(site):
    """What a form says when it refuses: Django's, allauth's and our own messages."""
    product, this_week = site.product.slug, site.this_week
    forms = {
        "": [
            (
                "/accounts/signup/",
                {"username": "小", "email": "not-an-address", "password1": "123", "password2": "456"},
            ),
            ("/accounts/login/", {"login": site.fan.username, "password": "wrong"}),
            ("/accounts/password/reset/", {"email": "nobody"}),
        ],
        site.fan.username: [
            (f"/report/{product}/{this_week.version}/", {"mood": "", "loved": "", "weakest": "", "awaited": ""}),
            ("/b/feedback/new/", {"title": "", "source": ""}),
            (f"/ideas/{product}/new/", {"title": "", "source": ""}),
            ("/settings/", {"language": "火星语", "time_zone": "火星"}),  # echoed back: the fan's words
            ("/settings/profile/", {"display_name": "a\u200bb"}),
            ("/accounts/password/change/", {"oldpassword": "wrong", "password1": "1", "password2": "2"}),
            ("/accounts/email/", {"action_add": "1", "email": "not-an-address"}),
            (reverse("forum:report_post", args=[site.reported_post.pk]), {"reason": ""}),
        ],
        "产品经理林": [
            (reverse("polls:new", args=[site.idea.thread.pk]), {"question": "", "answers": ""}),
            (f"/idea/{site.idea.pk}/status/", {"status": "planned"}),
        ],
        "版主阿强": [(reverse("forum:move_thread", args=[site.thread.pk]), {"board": ""})],
    }
    found = {}
    for username, posts in forms.items():
        client = Client()
        if username:
            assert client.login(username=username, password=PASSWORD)
        for path, data in posts:
            response = client.post(path, data, **CHINESE)
            assert response.status_code in (200, 400), f"{path}: {response.status_code}"
            strays = stray_latin(visible_text(response.content.decode()))
            if strays:
                found[f"{username or 'visitor'} POST {path}"] = strays
    assert found == {}, "\n".join(f"{page}\n  " + "\n  ".join(strays) for page, strays in found.items())
