import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from accounts.tests.images import SVG, gif_bomb, image_bytes, png_bomb, upload

pytestmark = pytest.mark.django_db


def post_profile(client, **overrides):
    data = {"display_name": "Ada", "city": "深圳", "phone_model": "Xiaomi 14", "bio": "Hi"}
    data.update(overrides)
    return client.post(reverse("accounts:edit_profile"), data)


def test_profile_page_shows_fields_join_date_and_highest_role(client):
    user = UserFactory(
        username="zhou", display_name="工程师 Zhou", city="武汉", phone_model="Xiaomi 13", roles=[Role.ENGINEER]
    )
    html = client.get(reverse("profile", args=["ZHOU"])).content.decode()
    for text in ("工程师 Zhou", "武汉", "Xiaomi 13", "badge-engineer", user.date_joined.strftime("%Y")):
        assert text in html


def test_missing_profile_is_404(client):
    assert client.get(reverse("profile", args=["nobody"])).status_code == 404


def test_editing_the_profile_saves_the_fields(client, fan):
    response = post_profile(client)
    assert response.status_code == 302
    fan.refresh_from_db()
    assert (fan.display_name, fan.city, fan.phone_model, fan.bio) == ("Ada", "深圳", "Xiaomi 14", "Hi")


def test_editing_the_profile_needs_login(client):
    response = client.get(reverse("accounts:edit_profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_avatar_is_reencoded_as_a_256px_square_webp_without_metadata(client, fan):
    response = post_profile(client, avatar=upload(image_bytes(size=(800, 600), exif_gps=True)))
    assert response.status_code == 302
    fan.refresh_from_db()
    assert fan.avatar.name.startswith("avatars/") and fan.avatar.name.endswith(".webp")
    with default_storage.open(fan.avatar.name) as stored:
        image = Image.open(stored)
        assert (image.format, image.size) == ("WEBP", (256, 256))
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info


def test_replacing_the_avatar_deletes_the_old_file(client, fan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_profile(client, avatar=upload(image_bytes(fmt="PNG"), name="a.png", content_type="image/png"))
    fan.refresh_from_db()
    first = fan.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        post_profile(client, avatar=upload(image_bytes()))
    fan.refresh_from_db()
    assert fan.avatar.name != first
    assert default_storage.exists(fan.avatar.name)
    assert not default_storage.exists(first)


@pytest.mark.parametrize(
    "data, name, content_type, code",
    [
        (SVG, "avatar.svg", "image/svg+xml", "format"),
        (SVG, "avatar.png", "image/png", "format"),  # disguised by name and type
        (image_bytes(fmt="PNG")[:300], "avatar.png", "image/png", "corrupt"),  # truncated
        (image_bytes(fmt="BMP", size=(10, 10)), "avatar.jpg", "image/jpeg", "format"),
        (b"%PDF-1.4 not an image", "avatar.jpg", "image/jpeg", "format"),
    ],
)
def test_files_that_are_not_accepted_images_are_refused(client, fan, data, name, content_type, code):
    response = post_profile(client, display_name="Changed", avatar=upload(data, name, content_type))
    assert response.status_code == 400
    assert response.context["form"].has_error("avatar", code)
    fan.refresh_from_db()
    assert fan.display_name == "" and not fan.avatar  # nothing half-saved


def test_an_avatar_with_too_many_pixels_is_refused_before_decoding(client, fan):
    # 40 megapixels of one colour compresses to a few kilobytes: only the
    # header tells how big it is.
    data = image_bytes(fmt="PNG", size=(8000, 5000), mode="L", color=0)
    assert len(data) < 1024 * 1024
    response = post_profile(client, avatar=upload(data, "big.png", "image/png"))
    assert response.status_code == 400
    assert response.context["form"].has_error("avatar", "too_many_pixels")


@pytest.mark.parametrize(
    "data, name, content_type",
    [
        (png_bomb(20_000, 20_000), "bomb.png", "image/png"),
        (gif_bomb(20_000, 20_000), "bomb.gif", "image/gif"),
    ],
    ids=["png-400MP", "gif-400MP"],
)
def test_a_decompression_bomb_avatar_is_refused_for_its_pixels(client, fan, data, name, content_type):
    response = post_profile(client, avatar=upload(data, name, content_type))
    assert response.status_code == 400
    assert response.context["form"].has_error("avatar", "too_many_pixels")


def test_an_avatar_over_5_mb_is_refused(client, fan):
    data = image_bytes() + b"\x00" * (5 * 1024 * 1024)
    response = post_profile(client, avatar=upload(data))
    assert response.status_code == 400
    assert response.context["form"].has_error("avatar", "too_large")


def test_a_10000_character_display_name_is_refused_and_nothing_saved(client, fan):
    response = post_profile(client, display_name="长" * 10_000, city="Elsewhere")
    assert response.status_code == 400
    assert response.context["form"].has_error("display_name", "max_length")
    fan.refresh_from_db()
    assert fan.city == ""


def test_a_display_name_with_a_bidi_override_is_refused(client, fan):
    response = post_profile(client, display_name="Ada\u202emoc.evil")
    assert response.status_code == 400
    assert response.context["form"].has_error("display_name", "invisible_character")
    assert User.objects.get(pk=fan.pk).display_name == ""
