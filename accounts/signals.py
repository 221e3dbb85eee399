"""Signals other apps listen to for cache invalidation only (STYLE.md: never for business flow)."""

from django.dispatch import Signal

# What a user's posts show of them (name, avatar, phone model) changed without
# a save() (accounts.profiles writes with UPDATE). Sent with ``user_id``.
profile_changed = Signal()
