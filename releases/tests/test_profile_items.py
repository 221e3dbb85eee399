"""An engineer's profile lists the changelog items they shipped."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from releases.models import Release
from releases.tests.builders import make_engineer, make_item, make_release

pytestmark = pytest.mark.django_db

FRIDAY = datetime.fromisoformat("2026-11-20T17:00:00+08:00")


def profile(client, user, **extra):
    response = client.get(reverse("profile", args=[user.username]), **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_the_profile_lists_the_items_the_engineer_shipped_with_links(client):
    zhou = make_engineer(username="zhou")
    item = make_item(make_release(version="26.11.20"), title="Lunar calendar", owners=[zhou])
    html = profile(client, zhou)
    assert f'<a href="{item.get_absolute_url()}" dir="auto">Lunar calendar</a>' in html
    assert "MIUI 26.11.20" in html
    assert item.get_absolute_url() == f"/releases/miui/26.11.20/#item-{item.pk}"


@pytest.mark.parametrize("state", [Release.State.DRAFT, Release.State.SCHEDULED, Release.State.WITHDRAWN])
def test_items_of_releases_that_are_not_published_are_not_listed(client, state):
    zhou = make_engineer(username="zhou")
    make_item(make_release(version="26.11.20"), title="Shipped already", owners=[zhou])
    make_item(make_release(version="26.11.27", state=state), title="Still a secret", owners=[zhou])
    html = profile(client, zhou)
    assert "Shipped already" in html and "Still a secret" not in html


def test_only_the_engineers_own_items_are_listed(client):
    zhou, wu = make_engineer(username="zhou"), make_engineer(username="wu_ming")
    release = make_release()
    make_item(release, title="Change by Zhou", owners=[zhou])
    make_item(release, title="Change by Wu", owners=[wu])
    html = profile(client, zhou)
    assert "Change by Zhou" in html and "Change by Wu" not in html


def test_shipped_items_are_newest_first_and_at_most_20(client):
    zhou = make_engineer(username="zhou")
    for week in range(22):
        release = make_release(version=f"v{week}", publish_at=FRIDAY - timedelta(weeks=week))
        make_item(release, title=f"Change of week {week}.", owners=[zhou])
    html = profile(client, zhou)
    assert html.count("Change of week") == 20
    assert html.index("Change of week 0.") < html.index("Change of week 1.")
    assert "Change of week 20." not in html


def test_a_fan_who_shipped_nothing_has_no_shipped_section(client):
    fan = UserFactory(username="ada")
    assert 'class="shipped"' not in profile(client, fan)


def test_the_shipped_items_cost_one_query_however_many(client, django_assert_num_queries):
    zhou = make_engineer(username="zhou")
    for week in range(5):
        make_item(make_release(version=f"v{week}"), owners=[zhou, make_engineer()])
    # profile user (with standing) + groups, then the shipped tab (community.profiles): items with releases
    # and products, and voting's popcorn_record: items received (frozen tallies), Popcorn Awards; medals (honour)
    with django_assert_num_queries(6):
        profile(client, zhou)
