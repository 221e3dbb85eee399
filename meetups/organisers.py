"""Who may organise a meetup: the one rule, in one function.

For now: staff, or a fan whose account is at least ``MEETUPS_ORGANISER_MIN_DAYS`` days old and who has
written at least ``MEETUPS_ORGANISER_MIN_POSTS`` posts (threads and replies: ``User.post_count``).
The coordinator will switch this to honour levels when that app lands; nothing else decides it.
Fans' meetups still wait for a moderator's approval (meetups.organising).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def may_organise(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    old_enough = user.date_joined <= timezone.now() - timedelta(days=settings.MEETUPS_ORGANISER_MIN_DAYS)
    return old_enough and user.post_count >= settings.MEETUPS_ORGANISER_MIN_POSTS


def is_official_organiser(user) -> bool:
    """Staff organise official meetups, approved as they are made."""
    return user.is_authenticated and user.is_staff
