"""Editing a fan's profile and preferences."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from accounts.signals import profile_changed
from canyu.images import encode_webp, open_image, square_thumbnail


def read_avatar(upload) -> bytes:
    """Decode, crop to a square, resize and re-encode an upload as WebP; raises ImageRefused."""
    image = open_image(upload, max_bytes=settings.AVATAR_MAX_BYTES, max_pixels=settings.AVATAR_MAX_PIXELS)
    return encode_webp(square_thumbnail(image, settings.AVATAR_SIZE))


def update_profile(
    *, user: User, display_name: str, city: str, phone_model: str, bio: str, avatar_webp: bytes | None = None
) -> User:
    """Save the profile fields and, if given, a new avatar.

    The new file is written first; if the row cannot be saved it is deleted,
    and the old file is deleted only after the new row is committed, so a
    failure never leaves a user pointing at a missing file.
    """
    storage = User._meta.get_field("avatar").storage
    old_avatar = user.avatar.name
    new_avatar = None
    if avatar_webp is not None:
        new_avatar = storage.save(f"avatars/{uuid.uuid4().hex}.webp", ContentFile(avatar_webp))
    fields = {"display_name": display_name, "city": city, "phone_model": phone_model, "bio": bio}
    if new_avatar:
        fields["avatar"] = new_avatar
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(**fields)
    except Exception:
        if new_avatar:
            storage.delete(new_avatar)
        raise
    if new_avatar and old_avatar:
        transaction.on_commit(lambda: storage.delete(old_avatar))
    profile_changed.send(sender=User, user_id=user.pk)
    user.refresh_from_db()
    return user


def update_preferences(*, user: User, language: str, time_zone: str) -> User:
    User.objects.filter(pk=user.pk).update(language=language, time_zone=time_zone)
    user.language, user.time_zone = language, time_zone
    return user
