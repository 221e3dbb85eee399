"""The "your feedback was fixed" medal: a fan who rated an item the weakest earns it once a later
published release has an item that follows that one up; the release page says what it follows up."""

from datetime import timedelta

import pytest

from accounts.tests.factories import UserFactory
from feedback.tests.reporting import FRIDAY, items_of, published_release, submit
from honour import medals
from honour.models import Medal
from releases import publishing
from releases.admin import ChangelogItemForm
from releases.models import ChangelogItem
from releases.tests.factories import make_engineer, make_release

pytestmark = pytest.mark.django_db
NEXT_FRIDAY = FRIDAY + timedelta(weeks=1)


def follow_up_release(first, weak):
    """Next week's release of ``first``'s product, not published yet, its item following ``weak`` up."""
    release = make_release(
        product=first.product,
        items=1,
        engineers=[make_engineer()],
        publish_at=NEXT_FRIDAY,
        now=NEXT_FRIDAY - timedelta(days=1),
        schedule=True,
    )
    ChangelogItem.objects.filter(release=release).update(follows_up=weak)
    return release


def test_the_fan_whose_weakest_item_is_followed_up_earns_the_medal_once_it_is_published():
    medal = Medal.objects.create(name="Fixed", slug="fixed", rule=Medal.Rule.FEEDBACK_FIXED)
    first = published_release()
    rated, other = (UserFactory(date_joined=FRIDAY - timedelta(days=400)) for _ in range(2))
    submit(first, rated, weakest=1)
    submit(first, other, weakest=2)
    second = follow_up_release(first, items_of(first)[1])

    medals.grant_automatic_medals(now=NEXT_FRIDAY - timedelta(hours=1))
    assert not medal.awards.exists()  # a draft's follow-up is not a fix yet

    assert publishing.publish_release(release=second, now=NEXT_FRIDAY)
    medals.grant_automatic_medals(now=NEXT_FRIDAY + timedelta(minutes=15))
    medals.grant_automatic_medals(now=NEXT_FRIDAY + timedelta(minutes=30))
    assert list(medal.awards.values_list("user_id", flat=True)) == [rated.pk]


def test_the_release_page_links_the_item_it_follows_up(client):
    first = published_release()
    weak = items_of(first)[1]
    second = follow_up_release(first, weak)
    publishing.publish_release(release=second, now=NEXT_FRIDAY)
    html = client.get(second.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'Follows up on <a href="{weak.get_absolute_url()}" dir="auto">{weak.title}</a>' in html


def test_the_editor_may_not_follow_up_another_products_item():
    first = published_release()
    elsewhere = published_release()
    assert first.product_id != elsewhere.product_id
    draft = make_release(product=first.product, items=0, engineers=[make_engineer()], schedule=False)
    item = items_of(first)[0]
    form = ChangelogItemForm(
        instance=ChangelogItem(release=draft),
        data={
            "position": 1,
            "kind": ChangelogItem.Kind.FIXED,
            "title": "Faster unlock",
            "area": item.area_id,
            "owners": [item.owners.first().pk],
            "follows_up": items_of(elsewhere)[0].pk,
        },
    )
    assert not form.is_valid()
    assert "follows_up" in form.errors
    form.data = {**form.data, "follows_up": item.pk}
    form.full_clean()
    assert "follows_up" not in form.errors
