"""Release rows built straight with the ORM for the page tests (the factories
in factories.py belong to the publishing tests)."""

import hashlib
from datetime import datetime
from itertools import count

from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from releases.models import Build, ChangelogItem, FeatureArea, Product, Release

_numbers = count(1)
# Friday 2026-11-20 17:00 in Shanghai: an Orange Friday.
LAST_FRIDAY = datetime.fromisoformat("2026-11-20T17:00:00+08:00")


def make_product(name="MIUI", slug="miui", **fields) -> Product:
    product, _ = Product.objects.get_or_create(slug=slug, defaults={"name": name, **fields})
    return product


def make_engineer(**fields):
    return UserFactory(roles=[Role.ENGINEER], **fields)


def make_release(
    *,
    product=None,
    version=None,
    state=Release.State.PUBLISHED,
    channel=Release.Channel.WEEKLY,
    publish_at=LAST_FRIDAY,
    title="Orange Friday build",
    **fields,
) -> Release:
    product = product or make_product()
    version = version or f"26.11.{next(_numbers)}"
    if state == Release.State.PUBLISHED:
        fields.setdefault("published_at", publish_at)
    if state == Release.State.WITHDRAWN:
        fields.setdefault("withdrawn_at", timezone.now())
    return Release.objects.create(
        product=product, version=version, state=state, channel=channel, publish_at=publish_at, title=title, **fields
    )


def make_item(release, *, kind=ChangelogItem.Kind.NEW, title=None, area="Camera", owners=(), **fields) -> ChangelogItem:
    area, _ = FeatureArea.objects.get_or_create(product=release.product, name=area)
    item = ChangelogItem.objects.create(
        release=release, kind=kind, area=area, title=title or f"Change {next(_numbers)}", **fields
    )
    item.owners.set(owners or [make_engineer()])
    return item


def make_build(release, *, device="Xiaomi 14", size_bytes=5_600_000_000) -> Build:
    return Build.objects.create(
        release=release,
        device=device,
        size_bytes=size_bytes,
        download_url=f"https://dl.example.com/{release.version}/{device.replace(' ', '-')}.zip",
        sha256=hashlib.sha256(f"{release.version}{device}".encode()).hexdigest(),
    )
