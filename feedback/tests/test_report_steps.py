"""One tap between the loop's steps: the release page, the announcement thread and the home page lead
to the open four-cell report, with a quiet banner for a signed-in fan who has not reported, and to the
Popcorn Award once the result is frozen (feedback.loop)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import UserFactory
from feedback import reports, tally
from feedback.tests.reporting import CLOSES, SATURDAY, published_release, submit
from notifications import emailing, preferences
from notifications.models import Kind, Notification
from releases.tests.builders import make_product, make_release as make_published
from releases.tests.factories import follow
from tests.queries import session_queries

pytestmark = pytest.mark.django_db

BANNER = "report-banner"


def page(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def report_url(release):
    return reverse("feedback:report", args=[release.product.slug, release.version])


def award_url(release):
    return reverse("feedback:award", args=[release.product.slug, release.version])


@pytest.fixture
def release():
    return published_release()


@pytest.fixture
def fan(client):
    fan = UserFactory()
    client.force_login(fan)
    return fan


@pytest.mark.parametrize("where", ["release", "home"])
def test_a_fan_who_has_not_reported_sees_the_banner_while_the_window_is_open(client, release, fan, where):
    url = release.get_absolute_url() if where == "release" else reverse("home")
    with time_machine.travel(SATURDAY, tick=False):
        html = page(client, url)
    assert BANNER in html and report_url(release) in html


@pytest.mark.parametrize("where", ["release", "home"])
def test_a_fan_who_has_reported_sees_no_banner_but_can_change_the_report(client, release, fan, where):
    submit(release, fan)
    url = release.get_absolute_url() if where == "release" else reverse("home")
    with time_machine.travel(SATURDAY, tick=False):
        html = page(client, url)
    assert BANNER not in html and report_url(release) in html
    assert "Change your four-cell report" in html


@pytest.mark.parametrize("where", ["release", "home"])
def test_a_visitor_sees_the_way_to_the_report_but_no_banner(client, release, where):
    url = release.get_absolute_url() if where == "release" else reverse("home")
    with time_machine.travel(SATURDAY, tick=False):
        html = page(client, url)
    assert BANNER not in html and report_url(release) in html


@pytest.mark.parametrize("where", ["release", "home"])
def test_no_banner_once_the_window_has_closed(client, release, fan, where):
    url = release.get_absolute_url() if where == "release" else reverse("home")
    with time_machine.travel(CLOSES - timedelta(seconds=1), tick=False):
        assert BANNER in page(client, url)
    with time_machine.travel(CLOSES, tick=False):
        html = page(client, url)
    assert BANNER not in html and report_url(release) not in html


@pytest.mark.parametrize("where", ["release", "home"])
def test_after_the_freeze_the_same_places_lead_to_the_award(client, release, fan, where):
    reports.open_window(release=release, now=SATURDAY)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    url = release.get_absolute_url() if where == "release" else reverse("home")
    with time_machine.travel(CLOSES + timedelta(hours=1), tick=False):
        html = page(client, url)
    assert award_url(release) in html and report_url(release) not in html and BANNER not in html


def test_a_stable_release_shows_no_report_step(client, fan):
    stable = make_published(channel="stable", version="V14.0.1")
    html = page(client, stable.get_absolute_url())
    assert "loop-step" not in html and "/report/" not in html


def test_the_announcement_thread_leads_to_the_report_then_to_the_award(client, release):
    """Anonymous readers get the cached page: freezing the result moves the thread's version."""
    thread_url = reverse("forum:thread", args=[release.announcement_id])
    with time_machine.travel(SATURDAY, tick=False):
        reports.open_window(release=release, now=SATURDAY)
        html = page(client, thread_url)
        assert report_url(release) in html and award_url(release) not in html
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    with time_machine.travel(CLOSES + timedelta(minutes=1), tick=False):
        html = page(client, thread_url)
    assert award_url(release) in html and report_url(release) not in html


def test_the_announcement_panel_shows_for_signed_in_readers_too(client, release, fan):
    with time_machine.travel(SATURDAY, tick=False):
        html = page(client, reverse("forum:thread", args=[release.announcement_id]))
    assert report_url(release) in html


def test_home_page_queries_do_not_grow_with_open_windows(client, fan, django_assert_num_queries, settings):
    releases = [published_release(product=make_product(name=f"P{i}", slug=f"p{i}")) for i in range(3)]
    submit(releases[0], fan)
    with time_machine.travel(SATURDAY, tick=False):
        cache.clear()
        page(client, reverse("home"))  # the lists and the header's counts cached
        # (session,) boards, their sub-boards, this week's builds, the countdown, their windows,
        # the fan's reports among the open ones; the user row comes from its cache (accounts.usercache)
        with django_assert_num_queries(6 + session_queries(settings)):
            html = page(client, reverse("home"))
    assert html.count(BANNER) == 2


def test_a_signed_in_readers_announcement_page_holds_the_shared_panel_in_its_shell(release, settings):
    """The way to the report is the same for every reader: it is rendered into the signed-in shell, not for each
    request (no query for the panel, no thread read again), and the page is the whole render's, byte for byte."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.tests.test_shells import assert_same_page, from_shell, signed_in

    url = reverse("forum:thread", args=[release.announcement_id])
    reader = signed_in(UserFactory())
    with time_machine.travel(SATURDAY, tick=False):
        reports.open_window(release=release, now=SATURDAY)
        html = assert_same_page(reader, url, settings)
        assert report_url(release) in html
        with CaptureQueriesContext(connection) as queries:
            from_shell(reader, url)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "releases_release" not in tables and "voting_" not in tables
    assert len(queries) == 1 + session_queries(settings)  # the thread's entry (forum.access), and the session


# --- The publish notification leads to the next step (releases.steps, feedback.loop.next_step) ----------


def published_with_followers(capture, *, channel="weekly", followers=1):
    """A release published with ``followers`` following its product, its fan-out run (as after the commit)."""
    product = make_product(name="小米澎湃", slug="xiaomi")
    fans = [UserFactory() for _ in range(followers)]
    follow(product, fans)
    with capture(execute=True):
        release = published_release(product=product, channel=channel)
    return release, fans


def followed(client, url, **extra):
    """The address the browser ends up at after following ``url`` and its redirects."""
    response = client.get(url, follow=True, **extra)
    assert response.status_code == 200
    return response.redirect_chain[-1][0] if response.redirect_chain else url


def test_the_publish_notification_leads_to_the_open_report_then_to_the_award(
    client, django_capture_on_commit_callbacks
):
    release, (fan,) = published_with_followers(django_capture_on_commit_callbacks)
    client.force_login(fan)
    notification = Notification.objects.get(recipient=fan, kind=Kind.RELEASE)
    with time_machine.travel(SATURDAY, tick=False):
        assert followed(client, notification.url) == report_url(release)
    reports.open_window(release=release, now=SATURDAY)
    tally.freeze_release(release_id=release.pk, now=CLOSES)
    with time_machine.travel(CLOSES + timedelta(hours=1), tick=False):
        assert followed(client, notification.url) == award_url(release)


def test_opening_the_unread_publish_notification_in_the_list_lands_on_the_report(
    client, django_capture_on_commit_callbacks
):
    release, (fan,) = published_with_followers(django_capture_on_commit_callbacks)
    client.force_login(fan)
    notification = Notification.objects.get(recipient=fan, kind=Kind.RELEASE)
    with time_machine.travel(SATURDAY, tick=False):
        assert reverse("notifications:mark_read", args=[notification.pk]) in page(client, reverse("notifications:list"))
        response = client.post(reverse("notifications:mark_read", args=[notification.pk]), follow=True)
    assert response.redirect_chain[-1][0] == report_url(release)
    assert response.templates[0].name == "feedback/report.html"


@pytest.mark.parametrize("choice", ["immediate", "daily"])
def test_the_publish_e_mail_leads_to_the_open_report(client, settings, django_capture_on_commit_callbacks, choice):
    settings.SITE_URL = "https://canyu.example.com"
    product = make_product(name="小米澎湃", slug="xiaomi")
    fan = UserFactory()
    follow(product, [fan])
    preferences.save_email_choices(user_id=fan.pk, choices={Kind.RELEASE: choice})
    with django_capture_on_commit_callbacks(execute=True):
        release = published_release(product=product)
    if choice == "daily":
        with django_capture_on_commit_callbacks(execute=True):
            emailing.send_daily_digests(now=SATURDAY)
    (message,) = [message for message in mail.outbox if message.to == [fan.email]]  # the engineer is mentioned
    links = re.findall(r"https://canyu\.example\.com(/\S*)", message.body)
    ours = [link for link in links if link.startswith("/releases/")]
    assert len(ours) == 1 and ours[0] in message.alternatives[0][0]
    client.force_login(fan)
    with time_machine.travel(SATURDAY, tick=False):
        assert followed(client, ours[0]) == report_url(release)


def test_a_stable_releases_notification_leads_to_its_page(client, django_capture_on_commit_callbacks):
    release, (fan,) = published_with_followers(django_capture_on_commit_callbacks, channel="stable")
    client.force_login(fan)
    with time_machine.travel(SATURDAY, tick=False):
        assert followed(client, Notification.objects.get(recipient=fan, kind=Kind.RELEASE).url) == (
            release.get_absolute_url()
        )


def test_a_visitor_following_the_link_signs_in_on_the_way_to_the_report(client, django_capture_on_commit_callbacks):
    release, (fan,) = published_with_followers(django_capture_on_commit_callbacks)
    url = Notification.objects.get(recipient=fan, kind=Kind.RELEASE).url
    with time_machine.travel(SATURDAY, tick=False):
        response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login") + "?next=" + report_url(release))
