"""The Atom feed of a product's published releases."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from releases import access, pages
from releases.models import Product, Release


class ProductReleasesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, product_slug):
        return access.access_product(product_slug)

    def title(self, product: Product) -> str:
        return _("%(product)s releases") % {"product": product.name}

    def subtitle(self, product: Product) -> str:
        return product.description or _("Published releases of %(product)s.") % {"product": product.name}

    def link(self, product: Product) -> str:
        return product.get_absolute_url()

    def feed_url(self, product: Product) -> str:
        return f"{product.get_absolute_url()}feed.atom"

    def items(self, product: Product) -> list[Release]:
        # Published only, whoever asks: feed readers cache and share what they fetch.
        return pages.feed_releases(product)

    def item_title(self, release: Release) -> str:
        return f"{release.product.name} {release.version}: {release.title}"

    def item_description(self, release: Release) -> str:
        # notes_html is sanitised when the notes are rendered (forum.rendering).
        return release.notes_html or escape(release.title)

    def item_link(self, release: Release) -> str:
        return release.get_absolute_url()

    def item_pubdate(self, release: Release):
        return release.published_at

    def item_updateddate(self, release: Release):
        return release.published_at

    def item_categories(self, release: Release):
        return [release.get_channel_display()]
