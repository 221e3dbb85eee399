"""Who may organise a meetup: the one rule, in one function.

Staff, or a fan at honour level ``MEETUPS_ORGANISER_MIN_LEVEL`` or above (honour.levels: points others
gave them and the account's age), so organising is earned from the community, not only waited for.
Fans' meetups still wait for a moderator's approval (meetups.organising).
"""

from django.conf import settings

from honour import levels


def may_organise(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    return levels.standing_level(user) >= settings.MEETUPS_ORGANISER_MIN_LEVEL


def is_official_organiser(user) -> bool:
    """Staff organise official meetups, approved as they are made."""
    return user.is_authenticated and user.is_staff
