"""A release's share card and picture (canyu/sharing.py, canyu/cardimages.py): the product, version and
title, and the changelog's first updates. What everyone sees of the release, never the reader's."""

from django.urls import reverse
from django.utils.translation import gettext as _

from canyu.cardimages import Card
from canyu.sharing import ShareCard, share_card
from releases.models import Release

CARD_ITEMS = 4


def release_share_card(release: Release, item_titles: list[str]) -> ShareCard:
    description = " · ".join(item_titles) or release.notes or release.title
    return share_card(
        title=f"{release.product.name} {release.version} · {release.title}",
        description=description,
        path=release.get_absolute_url(),
        image_path=reverse("releases:card", args=[release.product.slug, release.version]),
    )


def release_picture(release: Release) -> Card:
    titles = list(release.changelog.order_by("position", "id").values_list("title", flat=True)[:CARD_ITEMS])
    return Card(
        kicker=release.product.name,
        title=f"{release.version} · {release.title}",
        lines=tuple(f"· {title}" for title in titles),
        footer=_("Canyu"),
    )
