"""What each release page reads: all select_related/prefetch_related in one
place, so templates never query and each page's query count is fixed."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, Subquery

from releases.models import Build, ChangelogItem, Product, ProductFollow, Release
from releases.scheduling import next_build_at

RELEASES_PER_PAGE = 20
FEED_LENGTH = 20
SHIPPED_ITEMS_SHOWN = 20


def _latest_published(channel: str):
    # Served by the index releases_listing (product, channel, state, -publish_at).
    return Release.objects.published().filter(product=OuterRef("pk"), channel=channel).order_by("-publish_at", "-id")


def product_list() -> list[Product]:
    """Every product with the version of its latest published weekly and stable release: one query."""
    return list(
        Product.objects.annotate(
            latest_weekly=Subquery(_latest_published(Release.Channel.WEEKLY).values("version")[:1]),
            latest_stable=Subquery(_latest_published(Release.Channel.STABLE).values("version")[:1]),
        )
    )


def channel_from(value: str | None) -> str:
    """The channel asked for in ``?channel=``; anything unknown means the weekly channel."""
    return value if value in Release.Channel.values else Release.Channel.WEEKLY


def release_list(user, product: Product, channel: str, page_number) -> Page:
    releases = Release.objects.visible_to(user).filter(product=product, channel=channel).order_by("-publish_at", "-id")
    page = Paginator(releases, RELEASES_PER_PAGE).get_page(page_number)
    for release in page:
        release.product = product  # for get_absolute_url, without a join
    return page


@dataclass(frozen=True)
class Following:
    count: int
    following: bool


def product_following(user, product: Product) -> Following:
    """How many follow the product and whether ``user`` does: one query, signed in or not."""
    # An anonymous visitor's pk is None: user_id IS NULL matches no row.
    follows = ProductFollow.objects.filter(product=product).aggregate(
        count=Count("id"),
        mine=Count("id", filter=Q(user_id=user.pk)),
    )
    return Following(count=follows["count"], following=bool(follows["mine"]))


@dataclass(frozen=True)
class ChangelogGroup:
    kind: str
    label: str
    items: list[ChangelogItem]


def release_page(user, release: Release) -> dict:
    """The changelog grouped by kind (new, improved, fixed), each item with its
    area and engineers; the builds; the product's followers."""
    items = list(
        release.changelog.select_related("area", "follows_up__release__product")
        .prefetch_related("owners")
        .order_by("position", "id")
    )
    groups = [
        ChangelogGroup(kind=kind.value, label=kind.label, items=[item for item in items if item.kind == kind])
        for kind in ChangelogItem.Kind
    ]
    return {
        "release": release,
        "preview": release.state != Release.State.PUBLISHED,
        "changelog": [group for group in groups if group.items],
        "builds": list(Build.objects.filter(release=release).order_by("device")),
        "follow": product_following(user, release.product),
    }


def feed_releases(product: Product) -> list[Release]:
    releases = list(Release.objects.published().filter(product=product).order_by("-published_at", "-id")[:FEED_LENGTH])
    for release in releases:
        release.product = product
    return releases


def current_builds() -> list[Release]:
    """This week's build: the latest published weekly release of each product, in product order. One query."""
    latest_ids = Product.objects.annotate(
        latest_id=Subquery(_latest_published(Release.Channel.WEEKLY).values("pk")[:1])
    ).values("latest_id")
    return list(
        Release.objects.filter(pk__in=latest_ids)
        .select_related("product")
        .order_by("product__position", "product__name")
    )


def shipped_items(engineer, *, start: int = 0, stop: int = SHIPPED_ITEMS_SHOWN) -> list[ChangelogItem]:
    """The changelog items ``engineer`` is credited on, in published releases only, newest first, from
    ``start`` to ``stop`` (a profile page of them). One query."""
    return list(
        ChangelogItem.objects.filter(owners=engineer, release__state=Release.State.PUBLISHED)
        .select_related("release__product")
        .order_by("-release__published_at", "-release_id", "position", "id")[start:stop]
    )


def home_releases(now: datetime) -> dict:
    """The home page's release box: this week's builds and when the next one comes (the next scheduled
    build, or the next Orange Friday not taken by an early publish)."""
    return {"current_builds": current_builds(), "next_orange_friday": next_build_at(now), "now": now}
