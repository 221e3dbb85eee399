"""The demo releases: created once, through the real publishing functions."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from accounts.demo import create_demo_users
from forum.demo import create_demo_forum
from releases.demo import create_demo_releases
from releases.models import Build, ChangelogItem, FeatureArea, Product, ProductFollow, Release

pytestmark = pytest.mark.django_db

WEDNESDAY = "2026-11-25 12:00:00+08:00"


@pytest.fixture
def demo_world():
    create_demo_users()
    create_demo_forum()


def counts():
    models = (Product, FeatureArea, Release, Build, ChangelogItem, ProductFollow)
    return tuple(model.objects.count() for model in models)


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_demo_has_last_fridays_published_build_and_next_fridays_scheduled_one(demo_world):
    assert create_demo_releases() is True
    miui = Product.objects.get(slug="miui")
    published = Release.objects.published().get(product=miui)
    assert published.publish_at == published.published_at == datetime.fromisoformat("2026-11-20T17:00:00+08:00")
    assert published.version == "26.11.20" and published.channel == Release.Channel.WEEKLY
    assert published.announcement is not None and published.announcement.board.slug == "announcements"
    assert sorted(published.builds.values_list("device", flat=True)) == ["Redmi K70", "Xiaomi 14"]
    assert published.changelog.count() == 5
    scheduled = Release.objects.get(product=miui, state=Release.State.SCHEDULED)
    assert scheduled.publish_at == datetime.fromisoformat("2026-11-27T17:00:00+08:00")
    areas = {"Camera 相机", "Messages 短信", "Battery 电池", "System 系统"}
    assert set(miui.areas.values_list("name", flat=True)) == areas


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_demo_credits_only_engineers(demo_world):
    create_demo_releases()
    owners = set(ChangelogItem.owners.through.objects.values_list("user__username", flat=True))
    assert owners == {"engineer"}


@time_machine.travel(WEDNESDAY, tick=False)
def test_demo_fans_follow_miui(demo_world):
    create_demo_releases()
    followers = ProductFollow.objects.filter(product__slug="miui").values_list("user__username", flat=True)
    assert sorted(followers) == sorted(["fan", "米粉小王"])


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_demo_is_created_once(demo_world):
    create_demo_releases()
    before = counts()
    assert create_demo_releases() is False
    assert counts() == before


def test_the_demo_a_week_later_adds_nothing(demo_world):
    with time_machine.travel(WEDNESDAY, tick=False):
        create_demo_releases()
        before = counts()
    with time_machine.travel(datetime.fromisoformat("2026-11-25T12:00:00+08:00") + timedelta(days=7), tick=False):
        assert create_demo_releases() is False
    assert counts() == before


@time_machine.travel(WEDNESDAY, tick=False)
def test_seed_demo_creates_the_releases_and_the_release_pages_show_them(client):
    call_command("seed_demo")
    # Last Friday's build, after the earlier weeks' (releases.demo.PAST_WEEKS).
    release = Release.objects.published().filter(product__slug="miui").latest("published_at")
    html = client.get(release.get_absolute_url()).content.decode()
    assert "锁屏显示农历" in html and "工程师 Zhou" in html
    assert "MIUI 26.11.20" in client.get("/").content.decode()


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_changelog_area_list_names_each_area_once_with_its_product(client, demo_world):
    from accounts.models import User

    create_demo_releases()
    client.force_login(User.objects.get(username="admin"))
    html = client.get("/admin/releases/release/add/").content.decode()
    select = html[html.index('name="changelog-0-area"') :]
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select[: select.index("</select>")])
    assert len(options) == len(set(options)) == FeatureArea.objects.count()
    assert "MIUI · System 系统" in options
