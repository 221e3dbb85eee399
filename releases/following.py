"""Fans follow a product to hear of its releases (releases.publishing tells them).

Both functions are idempotent: a double tap, two tabs or a retried request
leave one follow row, never a 500. The unique constraint releases_follow_once
decides, not a check in front of it.
"""

from django.db import IntegrityError, transaction

from releases.models import Product, ProductFollow


def follow_product(*, product: Product, user) -> bool:
    """Make ``user`` follow ``product``; returns False if they already did."""
    try:
        with transaction.atomic(durable=True):
            ProductFollow.objects.create(product=product, user=user)
    except IntegrityError:
        # Already following (maybe since a concurrent request a moment ago).
        return False
    return True


@transaction.atomic(durable=True)
def unfollow_product(*, product: Product, user) -> bool:
    """Stop ``user`` following ``product``; returns False if they did not."""
    deleted, _ = ProductFollow.objects.filter(product=product, user=user).delete()
    return deleted > 0
