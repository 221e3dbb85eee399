"""Reading uploaded images safely: the content decides, not the name.

Pillow's own decompression-bomb guard only warns below ~179 MP, so we check
the byte size before Pillow sees the file, read the pixel size from the header
without decoding, refuse anything over our limit, and only then decode. What
comes out is re-encoded from pixels, so no metadata (GPS, camera) survives.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


class ImageRefused(ValidationError):
    pass


def open_image(upload, *, max_bytes: int, max_pixels: int) -> Image.Image:
    """Return the decoded first frame of an uploaded JPEG/PNG/GIF/WebP, or raise ImageRefused."""
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ImageRefused(
            _("The image is too large: at most %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRefused(
            _("The image is too large: at most %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in ALLOWED_FORMATS:
                raise ImageRefused(
                    _("Only JPEG, PNG, GIF and WebP images are accepted."), code="format"
                )
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRefused(
                    _("The image has too many pixels: at most %(mp)s megapixels.")
                    % {"mp": f"{max_pixels / 1_000_000:g}"},
                    code="too_many_pixels",
                )
            image.load()
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(
            _("This file is not an image we accept (JPEG, PNG, GIF or WebP)."), code="format"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        # Truncated or corrupt data fails while decoding.
        raise ImageRefused(_("The image is damaged or incomplete."), code="corrupt") from None
    return image


def square_thumbnail(image: Image.Image, size: int) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    image = ImageOps.fit(image.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
    return image


def encode_webp(image: Image.Image, *, quality: int = 85) -> bytes:
    out = io.BytesIO()
    # A fresh save from pixels carries no EXIF/XMP/ICC unless asked for.
    image.save(out, format="WEBP", quality=quality, method=4)
    return out.getvalue()
