"""A new fan's first minutes, in Chromium at a phone's size."""

import io
import re

from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import PASSWORD
from accounts.tests.images import image_bytes

CONFIRMATION_PATH = re.compile(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)")


def test_a_new_fan_signs_up_confirms_switches_to_chinese_and_uploads_an_avatar(live_server, phone, tmp_path):
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(800, 600), exif_gps=True))
    assert Image.open(photo).getexif().get_ifd(0x8825)  # GPS, so "no EXIF" below means something

    # Sign up.
    phone.goto(live_server.url + "/accounts/signup/")
    signup = phone.locator("form:has(input[name=password2])")
    signup.locator("input[name=email]").fill("orange@example.com")
    signup.locator("input[name=username]").fill("orangefan")
    signup.locator("input[name=password1]").fill(PASSWORD)
    signup.locator("input[name=password2]").fill(PASSWORD)
    signup.get_by_role("button", name="Sign Up").click()
    expect(phone).to_have_url(live_server.url + "/accounts/confirm-email/")

    # Confirm the address from the e-mail (sent by the live server, in this process).
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["orange@example.com"]
    phone.goto(live_server.url + CONFIRMATION_PATH.search(mail.outbox[0].body).group(1))
    phone.locator("main").get_by_role("button", name="Confirm").click()
    expect(phone).to_have_url(live_server.url + "/accounts/login/")

    # Sign in with the username.
    login = phone.locator("form:has(input[name=password])")
    login.locator("input[name=login]").fill("orangefan")
    login.locator("input[name=password]").fill(PASSWORD)
    login.get_by_role("button", name="Sign In").click()
    expect(phone).to_have_url(live_server.url + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    assert User.objects.get(username="orangefan").language == ""

    # Switch to Chinese with the footer's switch; the account remembers it.
    switch = phone.locator("footer form.language-switch")
    switch.locator("#language-select").select_option("zh-hans")
    switch.locator("button[type=submit]").click()
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    footer = phone.locator("footer.site-footer")
    expect(footer.get_by_role("link", name="设置")).to_be_visible()
    expect(footer.get_by_role("button", name="退出")).to_be_visible()
    assert User.objects.get(username="orangefan").language == "zh-hans"

    # Edit the profile, in Chinese, with a photo.
    phone.goto(live_server.url + "/settings/profile/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("编辑资料")
    profile = phone.locator("main form")
    profile.locator("input[name=display_name]").fill("小橙子")
    profile.locator("input[name=city]").fill("深圳")
    profile.locator("input[name=avatar]").set_input_files(photo)
    profile.get_by_role("button", name="保存资料").click()

    expect(phone).to_have_url(live_server.url + "/u/orangefan/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("小橙子")
    expect(phone.locator("main")).to_contain_text("深圳")
    avatar = phone.locator("main img.avatar")
    expect(avatar).to_have_attribute("src", re.compile(r"^/media/avatars/[0-9a-f]{32}\.webp$"))
    # The live server serves MEDIA_ROOT, so the browser really decoded it.
    expect(avatar).to_have_js_property("naturalWidth", 256)

    user = User.objects.get(username="orangefan")
    assert avatar.get_attribute("src") == user.avatar.url
    with user.avatar.open("rb") as stored:
        data = stored.read()
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("WEBP", (256, 256))
    assert not image.getexif()
    assert "exif" not in image.info
