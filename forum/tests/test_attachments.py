import html.parser
import io
import re

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import IntegrityError
from PIL import Image

from accounts.models import User
from accounts.tests.factories import UserFactory
from accounts.tests.images import SVG, gif_bomb, image_bytes, png_bomb, upload
from canyu.images import ImageRefused
from forum.attachments import image_markdown, store_post_image
from forum.models import PostImage
from forum.rendering import render_post

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MB = 1024 * 1024


@pytest.fixture
def fan():
    return UserFactory(username="ada")


def stored(name: str) -> Image.Image:
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
    image.load()
    return image


def stored_files(path: str = "") -> list[str]:
    """Every file in the default storage, through the storage API."""
    if not default_storage.exists(path):
        return []
    folders, files = default_storage.listdir(path)
    names = [f"{path}{name}" for name in files]
    for folder in folders:
        names += stored_files(f"{path}{folder}/")
    return names


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags(rendered_html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(rendered_html)
    return [(tag, attrs) for tag, attrs in parser.tags if tag != "p"]


# --- Accepted -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, name, content_type",
    [
        ("JPEG", "a.jpg", "image/jpeg"),
        ("PNG", "a.png", "image/png"),
        ("GIF", "a.gif", "image/gif"),
        ("WEBP", "a.webp", "image/webp"),
    ],
)
def test_each_accepted_format_is_stored_as_webp_with_a_thumbnail_at_most_1280_wide(fan, fmt, name, content_type):
    image = store_post_image(uploader=fan, upload=upload(image_bytes(fmt=fmt, size=(1600, 1200)), name, content_type))
    full, thumbnail = stored(image.image.name), stored(image.thumbnail.name)
    assert (full.format, full.size, image.width, image.height) == ("WEBP", (1600, 1200), 1600, 1200)
    assert thumbnail.format == "WEBP" and thumbnail.width <= 1280
    assert image.uploader == fan


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])  # GIF cannot carry EXIF
def test_location_and_camera_metadata_are_not_stored(fan, fmt):
    data = image_bytes(fmt=fmt, exif_gps=True)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the upload has a location
    image = store_post_image(uploader=fan, upload=upload(data))
    for name in (image.image.name, image.thumbnail.name):
        picture = stored(name)
        assert not picture.getexif()
        assert "exif" not in picture.info and "xmp" not in picture.info


def test_the_exif_orientation_is_applied_to_the_pixels(fan):
    # Phones store a portrait photo as landscape pixels plus "rotate 90°".
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (255, 103, 0)).save(out, format="JPEG", exif=exif)
    image = store_post_image(uploader=fan, upload=upload(out.getvalue()))
    assert stored(image.image.name).size == (600, 800)
    assert stored(image.thumbnail.name).size == (600, 800)
    assert (image.width, image.height) == (600, 800)


def test_a_4000_by_3000_photo_gets_a_1280_wide_thumbnail_and_keeps_its_full_size(fan):
    image = store_post_image(uploader=fan, upload=upload(image_bytes(size=(4000, 3000))))
    assert stored(image.thumbnail.name).size == (1280, 960)
    assert stored(image.image.name).size == (4000, 3000)


def test_a_small_image_is_not_enlarged(fan):
    image = store_post_image(uploader=fan, upload=upload(image_bytes(size=(800, 600))))
    assert stored(image.thumbnail.name).size == (800, 600)


def test_a_screenshot_taller_than_webp_allows_is_scaled_to_fit_not_refused(fan):
    data = image_bytes(fmt="PNG", size=(1080, 20_000), mode="L", color=200)
    image = store_post_image(uploader=fan, upload=upload(data, "long.png", "image/png"))
    assert stored(image.image.name).size == (885, 16_383)
    assert (image.width, image.height) == (885, 16_383)


def test_transparency_is_kept(fan):
    data = image_bytes(fmt="PNG", mode="RGBA", color=(255, 103, 0, 0))
    image = store_post_image(uploader=fan, upload=upload(data, "clear.png", "image/png"))
    picture = stored(image.thumbnail.name)
    assert picture.mode == "RGBA" and picture.getpixel((10, 10))[3] == 0


def test_a_16_bit_greyscale_png_keeps_its_shade(fan):
    out = io.BytesIO()
    Image.new("I;16", (100, 100), 40_000).save(out, format="PNG")  # 61 % grey
    image = store_post_image(uploader=fan, upload=upload(out.getvalue(), "grey.png", "image/png"))
    red, _green, _blue = stored(image.image.name).convert("RGB").getpixel((50, 50))
    assert abs(red - 156) <= 3  # not clipped to white (255)


def test_files_get_random_names_under_the_utc_year_and_month(fan):
    data = image_bytes()
    with time_machine.travel("2026-12-01 07:30:00+08:00", tick=False):  # still November in UTC
        first = store_post_image(uploader=fan, upload=upload(data))
        second = store_post_image(uploader=fan, upload=upload(data))
    match = re.fullmatch(r"posts/2026/11/([0-9a-f]{32})\.webp", first.image.name)
    assert match and first.thumbnail.name == f"posts/2026/11/{match.group(1)}-thumb.webp"
    assert second.image.name != first.image.name


def test_an_image_of_exactly_10_mb_is_accepted(fan):
    data = image_bytes()
    data += b"\x00" * (10 * MB - len(data))  # JPEG readers ignore bytes after the image
    store_post_image(uploader=fan, upload=upload(data))
    assert PostImage.objects.count() == 1


def test_an_image_of_exactly_40_megapixels_is_accepted(fan):
    data = image_bytes(fmt="PNG", size=(8000, 5000), mode="L", color=0)
    image = store_post_image(uploader=fan, upload=upload(data, "big.png", "image/png"))
    assert (image.width, image.height) == (8000, 5000)


# --- Refused ------------------------------------------------------------------


def assert_refused(fan, file, code):
    with pytest.raises(ImageRefused) as refusal:
        store_post_image(uploader=fan, upload=file)
    assert refusal.value.code == code
    assert str(refusal.value.message)  # a sentence for the fan, not an empty error
    assert not PostImage.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    "data, name, content_type, code",
    [
        (SVG, "drawing.svg", "image/svg+xml", "format"),
        (SVG, "photo.png", "image/png", "format"),  # disguised by name and type
        (b"%PDF-1.4 not an image", "photo.jpg", "image/jpeg", "format"),
        (image_bytes(fmt="BMP", size=(10, 10)), "photo.jpg", "image/jpeg", "format"),
        (image_bytes(fmt="PNG")[:300], "photo.png", "image/png", "corrupt"),  # truncated
    ],
)
def test_files_that_are_not_accepted_images_are_refused_and_nothing_is_stored(fan, data, name, content_type, code):
    assert_refused(fan, upload(data, name, content_type), code)


def test_an_11_mb_image_is_refused(fan):
    data = image_bytes()
    data += b"\x00" * (11 * MB - len(data))
    assert_refused(fan, upload(data), "too_large")


def test_an_image_over_40_megapixels_is_refused(fan):
    # One colour compresses to a few kilobytes: only the header tells the size.
    data = image_bytes(fmt="PNG", size=(8000, 5001), mode="L", color=0)
    assert len(data) < MB
    assert_refused(fan, upload(data, "big.png", "image/png"), "too_many_pixels")


def test_the_pixel_limit_is_checked_from_the_header_before_decoding(fan):
    # Cut after the header: decoding it would fail as damaged.
    data = image_bytes(fmt="PNG", size=(8000, 5001), mode="L", color=0)[:200]
    assert_refused(fan, upload(data, "big.png", "image/png"), "too_many_pixels")


@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (png_bomb(20_000, 20_000), "bomb.png", "image/png"),  # over Pillow's error threshold (~179 MP)
        (png_bomb(10_000, 10_000), "bomb.png", "image/png"),  # over its warning threshold (~89 MP)
        (gif_bomb(20_000, 20_000), "bomb.gif", "image/gif"),
    ],
    ids=["png-400MP", "png-100MP", "gif-400MP"],
)
def test_a_decompression_bomb_is_refused_for_its_pixels(fan, data, name, content_type):
    assert len(data) < 100_000
    assert_refused(fan, upload(data, name, content_type), "too_many_pixels")


def test_the_byte_limit_follows_the_setting(fan, settings):
    data = image_bytes()
    settings.POST_IMAGE_MAX_BYTES = len(data) - 1
    assert_refused(fan, upload(data), "too_large")


def test_the_pixel_limit_follows_the_setting(fan, settings):
    settings.POST_IMAGE_MAX_PIXELS = 800 * 600 - 1
    assert_refused(fan, upload(image_bytes(size=(800, 600))), "too_many_pixels")


@pytest.mark.django_db(transaction=True)
def test_an_image_whose_row_cannot_be_saved_leaves_no_file():
    # The fan's account is deleted while the upload is in flight: the foreign
    # key fails when the row is committed, after both files were written.
    gone = UserFactory()
    User.objects.filter(pk=gone.pk).delete()
    with pytest.raises(IntegrityError):
        store_post_image(uploader=gone, upload=upload(image_bytes()))
    assert not PostImage.objects.exists()
    assert stored_files() == []


# --- Markdown -------------------------------------------------------------------


def test_image_markdown_renders_as_the_thumbnail_linking_to_the_full_image(fan):
    image = store_post_image(uploader=fan, upload=upload(image_bytes()))
    rendered = render_post(image_markdown(image, alt="小米 14 夜景"))
    assert image.image.url.startswith("/media/posts/") and image.thumbnail.url.startswith("/media/posts/")
    assert tags(rendered.html) == [
        ("a", {"href": image.image.url, "rel": "nofollow ugc noopener"}),
        ("img", {"src": image.thumbnail.url, "alt": "小米 14 夜景"}),
    ]


def test_image_markdown_counts_as_one_image_and_no_outside_link(fan):
    image = store_post_image(uploader=fan, upload=upload(image_bytes()))
    rendered = render_post(image_markdown(image))
    assert (rendered.image_count, rendered.link_count) == (1, 0)


def test_alt_text_stays_text_inside_the_image(fan):
    image = store_post_image(uploader=fan, upload=upload(image_bytes()))
    alt = "a](https://evil.example) ![x](/media/x.webp) *b* `c` <d>\n\nnew paragraph \\"
    rendered = render_post(image_markdown(image, alt=alt))
    assert tags(rendered.html) == [
        ("a", {"href": image.image.url, "rel": "nofollow ugc noopener"}),
        ("img", {"src": image.thumbnail.url, "alt": " ".join(alt.split())}),
    ]
