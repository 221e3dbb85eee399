"""The home page: this week's build and the countdown to the next Orange Friday."""

from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory
from releases.models import Release
from releases.tests.builders import make_product, make_release

pytestmark = pytest.mark.django_db

WEDNESDAY_NOON = "2026-11-25 12:00:00+08:00"


def home(client, **extra):
    response = client.get(reverse("home"), **extra)
    assert response.status_code == 200
    return response.content.decode()


def at(text):
    return datetime.fromisoformat(text)


def test_the_home_page_links_this_weeks_build(client):
    release = make_release(version="26.11.20", title="Lunar calendar")
    html = home(client)
    url = release.get_absolute_url()
    assert f'<a class="release-name" href="{url}">MIUI 26.11.20 · <bdi>Lunar calendar</bdi></a>' in html


def test_this_weeks_build_is_the_latest_published_weekly_release_of_each_product(client):
    miui, router = make_product(), make_product(name="Router", slug="router", position=1)
    make_release(product=miui, version="26.11.13", publish_at=at("2026-11-13T17:00:00+08:00"))
    make_release(product=miui, version="26.11.20", publish_at=at("2026-11-20T17:00:00+08:00"))
    make_release(
        product=miui, version="26.11.27", state=Release.State.SCHEDULED, publish_at=at("2026-11-27T17:00:00+08:00")
    )
    make_release(
        product=miui, version="V14.0.3", channel=Release.Channel.STABLE, publish_at=at("2026-11-21T17:00:00+08:00")
    )
    make_release(product=router, version="1.0.24")
    html = home(client)
    assert "MIUI 26.11.20" in html and "Router 1.0.24" in html
    assert html.index("MIUI 26.11.20") < html.index("Router 1.0.24")
    for hidden in ("26.11.13", "26.11.27", "V14.0.3"):
        assert hidden not in html


def test_the_home_page_says_when_no_build_is_published_yet(client):
    make_release(state=Release.State.DRAFT, version="26.11.27")
    html = home(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "No build published yet." in html and "26.11.27" not in html


@time_machine.travel(WEDNESDAY_NOON, tick=False)
def test_the_countdown_to_the_next_orange_friday_is_counted_on_the_server(client):
    html = home(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Next Orange Friday in 2\xa0days, 5\xa0hours" in html
    assert '<time class="muted" datetime="2026-11-27T17:00:00+08:00">Friday, ' in html
    assert "· Beijing time (China)</time>" in html  # the zone by the name people use (canyu.timezones)


@time_machine.travel(WEDNESDAY_NOON, tick=False)
def test_the_countdown_is_in_the_viewers_language(client):
    html = home(client, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "5\xa0小时" in html and "星期五" in html


@time_machine.travel(WEDNESDAY_NOON, tick=False)
def test_the_next_orange_friday_is_shown_in_the_viewers_time_zone(client):
    client.force_login(UserFactory(time_zone="Europe/Berlin"))
    html = home(client, HTTP_ACCEPT_LANGUAGE="en")
    assert 'datetime="2026-11-27T10:00:00+01:00"' in html and "· Berlin</time>" in html
    assert "Next Orange Friday in 2\xa0days, 5\xa0hours" in html


@pytest.mark.parametrize(
    "now, countdown",
    [
        ("2026-11-27 16:00:00+08:00", "1\xa0hour"),
        ("2026-11-27 17:00:00+08:00", "1\xa0week"),  # the moment itself: next week's
        ("2026-11-27 17:00:01+08:00", "6\xa0days, 23\xa0hours"),
        ("2026-11-28 00:30:00+08:00", "6\xa0days, 16\xa0hours"),  # Saturday
    ],
)
def test_the_countdown_around_orange_friday(client, now, countdown):
    with time_machine.travel(now, tick=False):
        assert f"Next Orange Friday in {countdown}<" in home(client, HTTP_ACCEPT_LANGUAGE="en")


def test_home_page_queries(client, django_assert_num_queries):
    BoardFactory()
    for slug in ("miui", "router", "tv"):
        product = make_product(name=slug.upper(), slug=slug)
        for day in (13, 20):
            make_release(product=product, version=f"26.11.{day}", publish_at=at(f"2026-11-{day}T17:00:00+08:00"))
    cache.clear()
    # boards, their sub-boards, this week's builds with their products, the countdown, their report windows;
    # the lists (community.home): latest threads, hot threads (no reply: no second query), open polls
    with django_assert_num_queries(8):
        html = home(client)
    assert html.count('class="release-name"') == 3
    # the lists come from the cache for a minute
    with django_assert_num_queries(5):
        home(client)


# --- The countdown after an early publish ---------------------------------------------

FRIDAY_AFTERNOON = "2026-11-27 14:00:00+08:00"


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_after_an_early_publish_the_countdown_is_to_next_friday_not_today(client):
    make_release(version="26.11.27", publish_at=at("2026-11-27T13:30:00+08:00"))  # "publish now" at 13:30
    html = home(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Next Orange Friday in 1\xa0week<" in html
    assert 'datetime="2026-12-04T17:00:00+08:00"' in html


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_the_countdown_is_to_the_next_scheduled_build(client):
    make_release(version="26.11.27", publish_at=at("2026-11-27T13:30:00+08:00"))
    make_release(version="26.12.2", state=Release.State.SCHEDULED, publish_at=at("2026-12-02T10:00:00+08:00"))
    html = home(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Next Orange Friday in 4\xa0days, 20\xa0hours<" in html
    assert 'datetime="2026-12-02T10:00:00+08:00"' in html


@time_machine.travel(FRIDAY_AFTERNOON, tick=False)
def test_last_weeks_build_does_not_move_the_countdown(client):
    make_release(version="26.11.20", publish_at=at("2026-11-20T17:00:00+08:00"))
    assert "Next Orange Friday in 3\xa0hours<" in home(client, HTTP_ACCEPT_LANGUAGE="en")
