"""Who may see which release. One access_* function per object type: each
returns the object or raises Http404 (a release fans may not see yet does not
exist for them: a draft's version number is news too)."""

from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404

from releases.models import Product, Release


def may_see_unpublished(user) -> bool:
    """Drafts, scheduled and withdrawn releases: only for those who publish (the page is their preview)."""
    return user.is_authenticated and user.has_perm("accounts.publish_releases")


def access_product(slug: str) -> Product:
    return get_object_or_404(Product, slug=slug)


def access_release(user, product_slug: str, version: str) -> Release:
    """The release of that product and version (any case: V14.0 is v14.0), if ``user`` may see it."""
    try:
        return (
            Release.objects.visible_to(user)
            .select_related("product")
            # Lower(version) matches the expression of the unique index
            # releases_version_unique_per_product, which serves this lookup.
            .alias(version_lower=Lower("version"))
            .get(product__slug=product_slug, version_lower=version.lower())
        )
    except Release.DoesNotExist:
        raise Http404 from None
