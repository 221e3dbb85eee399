"""Pictures in posts: checked, re-encoded, stored, and put into the post's Markdown.

The composer calls ``store_post_image`` with the uploaded file, then appends
``image_markdown(image)`` to the post text; the renderer shows it as the
thumbnail linking to the full picture.

Decisions worth knowing:

- The content decides, not the name or the declared type: Pillow must read a
  JPEG, PNG, GIF or WebP from it (``canyu.images.open_image``, shared with
  avatars). The byte size is checked before Pillow sees the file and the pixel
  size from the header before decoding (POST_IMAGE_MAX_BYTES, 10 MB;
  POST_IMAGE_MAX_PIXELS, 40 megapixels).
- Both files are re-encoded from pixels as WebP, so no metadata survives: no
  GPS, no camera, and no colour profile either (as for avatars; a wide-gamut
  phone photo may look slightly less saturated). The EXIF orientation is
  applied to the pixels first. Transparency is kept.
- An animated GIF or WebP keeps its first frame only. Keeping the animation
  would need a limit on frames × pixels and seconds of encoding per upload.
- The full image keeps its size, unless a side is longer than WebP allows
  (16 383 px: long phone screenshots); then it is scaled down to fit rather
  than refused. The thumbnail is at most 1 280 px wide, never enlarged.
- Files are written through the fields' storage (``default_storage`` unless
  configured), with random names under the field's ``posts/YYYY/MM/`` (the UTC
  month of ``created_at``): S3-compatible storage works by configuration.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from canyu.images import WEBP_MAX_SIDE, encode_webp, open_image, shrink_to_fit, upright
from canyu.text import plain_markdown
from forum.models import PostImage

logger = logging.getLogger(__name__)

THUMBNAIL_MAX_WIDTH = 1280


def store_post_image(*, uploader, upload) -> PostImage:
    """Store an upload as a re-encoded WebP picture and thumbnail; raises ImageRefused.

    Everything is checked and encoded in memory before anything is written, so
    a refused file writes nothing. If the row is not committed, the files
    written are deleted: storage keeps no file without a row (unless the
    process dies in between).
    """
    image = open_image(
        upload,
        max_bytes=getattr(settings, "POST_IMAGE_MAX_BYTES", 10 * 1024 * 1024),
        max_pixels=getattr(settings, "POST_IMAGE_MAX_PIXELS", 40_000_000),
    )
    full = shrink_to_fit(upright(image), max_width=WEBP_MAX_SIDE, max_height=WEBP_MAX_SIDE)
    thumbnail = shrink_to_fit(full, max_width=THUMBNAIL_MAX_WIDTH, max_height=WEBP_MAX_SIDE)
    # The full picture is opened by few readers and may be 40 megapixels: a
    # faster method (about 1 s instead of 10) for a slightly larger file. The
    # thumbnail, which every reader loads, gets the smaller default.
    full_webp = encode_webp(full, method=2)
    thumbnail_webp = encode_webp(thumbnail) if thumbnail is not full else full_webp

    created_at = timezone.now()
    token = uuid.uuid4().hex
    image_field = PostImage._meta.get_field("image")
    thumbnail_field = PostImage._meta.get_field("thumbnail")
    written = []  # (storage, name) of each file saved, to delete if the row is not committed
    try:
        image_name = image_field.storage.save(
            f"{created_at.strftime(str(image_field.upload_to))}{token}.webp", ContentFile(full_webp)
        )
        written.append((image_field.storage, image_name))
        thumbnail_name = thumbnail_field.storage.save(
            f"{created_at.strftime(str(thumbnail_field.upload_to))}{token}-thumb.webp", ContentFile(thumbnail_webp)
        )
        written.append((thumbnail_field.storage, thumbnail_name))
        # Durable: inside someone else's transaction, a later rollback would
        # drop the row after this function returned, leaving the files behind.
        with transaction.atomic(durable=True):
            return PostImage.objects.create(
                uploader=uploader,
                image=image_name,
                thumbnail=thumbnail_name,
                width=full.width,
                height=full.height,
                created_at=created_at,
            )
    except BaseException:  # also a worker being stopped mid-request
        for storage, name in written:
            _delete_quietly(storage, name)
        raise


def _delete_quietly(storage, name: str) -> None:
    # Called while another exception is on its way up: that one is the news.
    try:
        storage.delete(name)
    except Exception:
        logger.exception("Could not delete %s after a failed post image save; it is left behind", name)


def image_markdown(image: PostImage, alt: str = "") -> str:
    """The Markdown the composer appends to a post: the thumbnail, linking to the full picture.

    The alt text is the fan's own: line breaks become spaces and ASCII
    punctuation is escaped, so it stays plain text inside the image.
    """
    alt = plain_markdown(" ".join(alt.split()))
    return f"[![{alt}]({image.thumbnail.url})]({image.image.url})"


def discard_post_image(image: PostImage) -> None:
    """Remove an image whose post was refused: its row and both files."""
    files = [(image.image.storage, image.image.name), (image.thumbnail.storage, image.thumbnail.name)]
    PostImage.objects.filter(pk=image.pk).delete()
    for storage, name in files:
        if name:
            _delete_quietly(storage, name)


def mark_attached(image: PostImage) -> None:
    PostImage.objects.filter(pk=image.pk, attached_at=None).update(attached_at=timezone.now())


def remove_unattached_images(*, older_than=timedelta(days=1), batch: int = 500) -> int:
    """Delete pictures that no post took (rows and files); returns how many.

    Pictures that were attached stay even if an edit later removes them from
    their post: a quote-reply may carry the same Markdown into other posts.
    """
    cutoff = timezone.now() - older_than
    removed = 0
    while True:
        images = list(PostImage.objects.filter(attached_at=None, created_at__lt=cutoff).order_by("id")[:batch])
        if not images:
            return removed
        for image in images:
            discard_post_image(image)
        removed += len(images)
