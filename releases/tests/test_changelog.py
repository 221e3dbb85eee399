import pytest
from PIL import Image

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from accounts.tests.images import SVG, image_bytes, upload
from releases import changelog, publishing
from releases.models import ChangelogItem
from releases.preparing import ReleaseRefused
from releases.tests.factories import (
    FeatureAreaFactory,
    announcements_board,
    make_engineer,
    make_release,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def add(release, owners, **fields):
    fields.setdefault("area", FeatureAreaFactory(product=release.product))
    return changelog.add_changelog_item(release=release, kind="new", title="Lunar calendar", owners=owners, **fields)


def test_an_engineer_can_own_a_changelog_item():
    release = make_release(items=0)
    engineer = make_engineer()
    item = add(release, [engineer])
    assert list(item.owners.all()) == [engineer]


def test_an_owner_who_is_not_an_engineer_is_refused_by_name():
    release = make_release(items=0)
    fan = UserFactory(username="ada")
    with pytest.raises(ReleaseRefused, match="not an engineer: ada"):
        add(release, [make_engineer(), fan])
    assert not ChangelogItem.objects.exists()


def test_a_moderator_is_not_an_engineer_either():
    release = make_release(items=0)
    with pytest.raises(ReleaseRefused, match="Only engineers"):
        add(release, [UserFactory(roles=[Role.MODERATOR, Role.PRODUCT_MANAGER])])


def test_an_item_needs_an_engineer():
    release = make_release(items=0)
    with pytest.raises(ReleaseRefused, match="at least one engineer"):
        add(release, [])


def test_the_feature_area_must_be_the_products():
    release = make_release(items=0)
    with pytest.raises(ReleaseRefused, match="another product"):
        add(release, [make_engineer()], area=FeatureAreaFactory())


def test_items_go_to_the_end_and_can_be_reordered():
    release = make_release(items=0)
    engineer = make_engineer()
    first, second, third = (add(release, [engineer]) for _ in range(3))
    assert [first.position, second.position, third.position] == [0, 1, 2]
    changelog.reorder_changelog(release=release, item_ids=[third.pk, first.pk])
    assert list(release.changelog.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]


def test_the_changelog_of_a_published_release_is_closed():
    announcements_board()
    release = make_release()
    publishing.publish_release(release=release, immediately=True)
    with pytest.raises(ReleaseRefused, match="can no longer be changed"):
        add(release, [make_engineer()])


def test_a_screenshot_is_stored_re_encoded_without_metadata():
    release = make_release(items=0)
    item = add(release, [make_engineer()], screenshot=upload(image_bytes(size=(2160, 4800), exif_gps=True)))
    with Image.open(item.screenshot.path) as stored:
        assert (stored.format, stored.size) == ("WEBP", (1280, 2844))
        assert not stored.getexif()


def test_a_screenshot_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.POST_IMAGE_MAX_PIXELS = 1_000_000
    release = make_release(items=0)
    with pytest.raises(ReleaseRefused, match="too many pixels"):
        add(release, [make_engineer()], screenshot=upload(image_bytes(size=(1001, 1000))))
    assert not ChangelogItem.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_as_a_screenshot():
    release = make_release(items=0)
    with pytest.raises(ReleaseRefused, match="not an image"):
        add(release, [make_engineer()], screenshot=upload(SVG, name="x.svg", content_type="image/svg+xml"))
