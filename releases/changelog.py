"""The credited changelog: items with a kind, a feature area and the engineers who own them.

Only users with the Engineer role may be credited. It cannot be a database
constraint (a role is a group membership), so every way in checks here: the
process functions below and the admin's changelog form (releases.admin).
"""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.roles import Role
from canyu.images import ImageRefused, encode_webp, open_image, shrink_to_fit, upright
from releases.models import ChangelogItem, FeatureArea, Release
from releases.preparing import EDITABLE_STATES, ReleaseRefused

User = get_user_model()


def engineers():
    """Everyone who may own a changelog item, by username."""
    return User.objects.filter(groups__name=Role.ENGINEER.value, is_active=True).order_by("username").distinct()


def check_owners(owners: Iterable) -> None:
    """At least one owner, and every owner an engineer; names the ones who are not."""
    owners = list(owners)
    if not owners:
        raise ReleaseRefused(_("A changelog item needs at least one engineer."))
    allowed = set(engineers().filter(pk__in=[owner.pk for owner in owners]).values_list("pk", flat=True))
    refused = sorted(owner.username for owner in owners if owner.pk not in allowed)
    if refused:
        raise ReleaseRefused(
            _("Only engineers can own a changelog item; not an engineer: %(names)s.") % {"names": ", ".join(refused)}
        )


def screenshot_file(upload) -> ContentFile:
    """An uploaded screenshot, checked (bytes, then pixels from the header) before it is
    decoded, then re-encoded as WebP without metadata and at most 1 280 px wide."""
    try:
        image = open_image(upload, max_bytes=settings.POST_IMAGE_MAX_BYTES, max_pixels=settings.POST_IMAGE_MAX_PIXELS)
    except ImageRefused as refusal:
        raise ReleaseRefused(" ".join(refusal.messages)) from None
    image = shrink_to_fit(upright(image), max_width=1280, max_height=4096)
    return ContentFile(encode_webp(image, method=2), name=f"{uuid.uuid4().hex}.webp")


def check_area(*, release: Release, area: FeatureArea) -> None:
    if area.product_id != release.product_id:
        raise ReleaseRefused(_("The feature area %(area)s belongs to another product.") % {"area": area.name})


def _lock_editable(release: Release) -> None:
    if not Release.objects.select_for_update().filter(pk=release.pk, state__in=EDITABLE_STATES).exists():
        raise ReleaseRefused(_("The changelog of a published or withdrawn release can no longer be changed."))


@transaction.atomic(durable=True)
def add_changelog_item(
    *,
    release: Release,
    kind: str,
    title: str,
    area: FeatureArea,
    owners: Iterable,
    description: str = "",
    screenshot=None,
    position: int | None = None,
) -> ChangelogItem:
    """Add an item at the end of the changelog (or at ``position``), credited to engineers only."""
    # Decoding and re-encoding take a moment: before the release's row is locked.
    screenshot = screenshot_file(screenshot) if screenshot else ""
    _lock_editable(release)
    owners = list(owners)
    check_area(release=release, area=area)
    check_owners(owners)
    if kind not in ChangelogItem.Kind.values:
        raise ReleaseRefused(_("Choose new, improved or fixed."))
    if position is None:
        last = ChangelogItem.objects.filter(release=release).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    item = ChangelogItem.objects.create(
        release=release,
        kind=kind,
        title=title,
        description=description,
        area=area,
        position=position,
        screenshot=screenshot,
    )
    item.owners.set(owners)
    return item


@transaction.atomic(durable=True)
def reorder_changelog(*, release: Release, item_ids: list[int]) -> list[ChangelogItem]:
    """Put the release's items in the given order (positions 0, 1, 2, ...); items not named keep
    their order after those named."""
    _lock_editable(release)
    items = {item.pk: item for item in ChangelogItem.objects.filter(release=release)}
    unknown = set(item_ids) - set(items)
    if unknown:
        raise ReleaseRefused(
            _("These items are not in this release: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))}
        )
    rest = sorted((item for pk, item in items.items() if pk not in set(item_ids)), key=lambda i: (i.position, i.pk))
    ordered = [items[pk] for pk in item_ids] + rest
    for position, item in enumerate(ordered):
        item.position = position
    ChangelogItem.objects.bulk_update(ordered, ["position"])
    return ordered
