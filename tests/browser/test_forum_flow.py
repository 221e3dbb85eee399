"""Two fans on phones: a thread with a picture, a quoting reply and a like."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from accounts.tests.images import image_bytes
from forum.models import Like, Post, Thread
from forum.tests.factories import BoardFactory
from tests.browser.steps import assert_fits_the_phone, sign_in, sign_out


@pytest.mark.parametrize(
    "phone_locale, html_lang, reply_heading",
    [
        ("en-US", "en", "Reply"),
        ("zh-CN", "zh-hans", "回复"),
    ],
)
def test_a_thread_with_a_picture_a_quoting_reply_and_a_like(live_server, phone, tmp_path, html_lang, reply_heading):
    base = live_server.url
    UserFactory(username="ada", display_name="Ada")
    UserFactory(username="bobo", display_name="Bo")
    board = BoardFactory(name="摄影 Photography", slug="photography")
    photo = tmp_path / "sunset.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(2400, 1600), exif_gps=True))

    # Ada starts a thread with a picture.
    sign_in(phone, base, "ada")
    phone.goto(base + board.get_absolute_url())
    expect(phone.locator("html")).to_have_attribute("lang", html_lang)
    phone.locator(f"a[href='/b/{board.slug}/new/']").click()
    form = phone.locator("main form")
    form.locator("input[name=title]").fill("成都的晚霞 Sunset")
    form.locator("textarea[name=source]").fill("今晚拍的 **no edits**")
    form.locator("input[name=image]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/t/\d+/$"))
    thread = Thread.objects.get()
    first = thread.posts.get()
    picture = phone.locator(f"#p{first.pk} .post-body a img")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.naturalWidth") == 1280  # the thumbnail, loaded
    expect(phone.locator(f"#p{first.pk} .post-body strong")).to_have_text("no edits")
    sign_out(phone)

    # Bo quotes it, replies and likes the first post.
    sign_in(phone, base, "bobo")
    phone.goto(base + thread.get_absolute_url())
    expect(phone.locator("#reply h2")).to_have_text(reply_heading)
    phone.locator(f"#p{first.pk} a[href*='quote={first.pk}']").click()
    source = phone.locator("#reply textarea[name=source]")
    expect(source).to_have_value(re.compile(rf"^> @ada \[#{first.pk}\]"))
    source.press("End")
    source.type("\n太美了！")
    phone.locator("#reply button[type=submit]").click()
    reply = Post.objects.exclude(pk=first.pk).get()
    expect(phone).to_have_url(re.compile(rf"#p{reply.pk}$"))
    quote = phone.locator(f"#p{reply.pk} .post-body blockquote")
    expect(quote.locator("a.mention")).to_have_text("@ada")
    expect(phone.locator(f"#p{reply.pk} .post-body")).to_contain_text("太美了！")
    like = phone.locator(f"#p{first.pk} button.like")
    like.click()
    expect(phone.locator(f"#p{first.pk} button.like")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(f"#p{first.pk} button.like")).to_contain_text("1")
    assert Like.objects.filter(post=first).count() == 1
    sign_out(phone)

    # Ada sees the reply quoting her, and her like.
    sign_in(phone, base, "ada")
    phone.goto(base + thread.get_absolute_url())
    expect(phone.locator(f"#p{reply.pk} .post-body blockquote a.mention")).to_have_text("@ada")
    expect(phone.locator(f"#p{first.pk} .likes")).to_contain_text("1")
    expect(phone.locator(f"#p{first.pk} .post-body a img")).to_be_visible()
    # Nothing on the page is wider than the phone.
    assert_fits_the_phone(phone)
