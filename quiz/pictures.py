"""A question's picture: checked and re-encoded as the forum's post images are (canyu.images).

The byte size is checked before Pillow sees the file and the pixel count from the header before
decoding (the post image limits, POST_IMAGE_MAX_BYTES and POST_IMAGE_MAX_PIXELS); the picture
is turned upright, scaled to at most 1 280 px wide and re-encoded from pixels as WebP, so no
metadata survives. The admin's form field is a plain FileField: Django's ImageField would hand
the upload to Pillow before these checks.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile

from canyu.images import WEBP_MAX_SIDE, encode_webp, open_image, shrink_to_fit, upright

PICTURE_MAX_WIDTH = 1280


def read_question_picture(upload) -> ContentFile:
    """The upload re-encoded as a WebP file ready to be saved in ``Question.picture``; raises ImageRefused."""
    image = open_image(
        upload,
        max_bytes=getattr(settings, "POST_IMAGE_MAX_BYTES", 10 * 1024 * 1024),
        max_pixels=getattr(settings, "POST_IMAGE_MAX_PIXELS", 40_000_000),
    )
    picture = shrink_to_fit(upright(image), max_width=PICTURE_MAX_WIDTH, max_height=WEBP_MAX_SIDE)
    return ContentFile(encode_webp(picture), name=f"{uuid.uuid4().hex}.webp")
