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

# WebP cannot store a side longer than this.
WEBP_MAX_SIDE = 16383


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
    too_many_pixels = ImageRefused(
        _("The image has too many pixels: at most %(mp)s megapixels.") % {"mp": f"{max_pixels / 1_000_000:g}"},
        code="too_many_pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in ALLOWED_FORMATS:
                raise ImageRefused(_("Only JPEG, PNG, GIF and WebP images are accepted."), code="format")
            width, height = image.size
            if width * height > max_pixels:
                raise too_many_pixels
            image.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard fires inside Image.open, from the header, before
        # our check above can run: over ~89 MP it warns (an error here), over
        # ~179 MP it raises. Either way the reason is the pixel count, and a
        # frame of a GIF bigger than its screen is caught the same way.
        raise too_many_pixels from None
    except UnidentifiedImageError:
        raise ImageRefused(_("This file is not an image we accept (JPEG, PNG, GIF or WebP)."), code="format") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        # Truncated or corrupt data fails while decoding.
        raise ImageRefused(_("The image is damaged or incomplete."), code="corrupt") from None
    return image


def square_thumbnail(image: Image.Image, size: int) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    image = ImageOps.fit(image.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
    return image


def upright(image: Image.Image) -> Image.Image:
    """Turn the pixels the way the EXIF orientation says (phones store photos
    sideways and set a flag) and bring them to RGB, or RGBA if the image has
    transparency: what WebP stores."""
    image = ImageOps.exif_transpose(image)
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: converting straight to RGB clips it to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    mode = "RGBA" if image.has_transparency_data else "RGB"
    return image if image.mode == mode else image.convert(mode)


def shrink_to_fit(image: Image.Image, *, max_width: int, max_height: int) -> Image.Image:
    """Scale down (never up), keeping the aspect ratio, to fit max_width × max_height."""
    width, height = image.size
    scale = min(max_width / width, max_height / height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode_webp(image: Image.Image, *, quality: int = 85, method: int = 4) -> bytes:
    """method 0-6 trades encoding time for size: 4 takes ~10 s on 40 megapixels, 2 about 1 s."""
    out = io.BytesIO()
    # A fresh save from pixels carries no EXIF/XMP/ICC unless asked for.
    image.save(out, format="WEBP", quality=quality, method=method)
    return out.getvalue()
