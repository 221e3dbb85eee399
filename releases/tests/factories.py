"""Products, people and releases for the publishing tests, built through the process functions."""

import hashlib
from datetime import datetime
from itertools import count

import factory
from django.contrib.auth.models import Group

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory
from releases import changelog, preparing
from releases.models import ChangelogItem, FeatureArea, Product, ProductFollow, Release

_numbers = count(1)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"HyperOS {n}")
    slug = factory.Sequence(lambda n: f"hyperos-{n}")
    devices = "Xiaomi 14\nRedmi K70"


class FeatureAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeatureArea

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


def make_engineer(**fields):
    return UserFactory(roles=[Role.ENGINEER], **fields)


def make_publisher(**fields):
    """An admin as the Admin role makes them: staff, may publish releases."""
    fields.setdefault("is_staff", True)
    return UserFactory(roles=[Role.ADMIN], **fields)


def announcements_board():
    board = BoardFactory(slug="announcements", name="Announcements")
    board.start_roles.set([Group.objects.get(name=Role.ADMIN.value)])
    return board


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_release(
    *,
    product=None,
    author=None,
    items: int = 1,
    builds: int = 1,
    engineers=None,
    publish_at: datetime | None = None,
    now: datetime | None = None,
    schedule: bool = False,
    **fields,
) -> Release:
    """A draft (or, with ``schedule``, a scheduled release) with changelog items and builds."""
    product = product or ProductFactory()
    author = author or make_publisher()
    release = preparing.prepare_release(product=product, author=author, publish_at=publish_at, now=now, **fields)
    engineers = engineers or [make_engineer()]
    kinds = list(ChangelogItem.Kind)
    for i in range(items):
        area = FeatureArea.objects.get_or_create(product=product, name="Camera")[0]
        changelog.add_changelog_item(
            release=release,
            kind=kinds[i % 3],
            title=f"Change {next(_numbers)}",
            area=area,
            owners=engineers,
            description="Faster and *brighter*.",
        )
    for i in range(builds):
        device = f"Xiaomi {14 + i}"
        preparing.add_build(
            release=release,
            device=device,
            download_url=f"https://dl.example.com/{release.version}/{i}.zip",
            size_bytes=5_600_000_000 + i,
            sha256=sha256_of(f"{release.version}{device}"),
        )
    if schedule:
        release = preparing.schedule_release(release=release, now=now)
    return release


def follow(product, users):
    ProductFollow.objects.bulk_create([ProductFollow(product=product, user=user) for user in users])
