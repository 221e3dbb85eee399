"""Sharing on a phone in Chinese: the share tags a crawler reads, the Weibo and QQ links, the WeChat QR
code opened without script, the release picture, and axe-clean pages; the demo's photography board
shows its pictures."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.demo import create_demo_users
from feedback.demo import create_demo_reports
from forum.demo import create_demo_forum
from forum.demo_photos import create_demo_photos
from forum.models import Thread
from ideas.demo import create_demo_ideas
from releases.demo import create_demo_releases
from releases.models import Release
from tests.browser.test_accessibility import _serious_violations

IN_CHINESE = pytest.mark.parametrize("phone_locale", ["zh-CN"])


@pytest.fixture
def demo(settings):
    settings.VOTING_AWARD_MIN_REPORTS = 3
    create_demo_users()
    create_demo_forum()
    create_demo_photos()
    create_demo_releases()
    create_demo_ideas()
    create_demo_reports()


def meta(page, name: str) -> str:
    return page.locator(f'meta[property="{name}"], meta[name="{name}"]').get_attribute("content")


def test_a_thread_shows_share_links_and_opens_the_wechat_qr_code_without_script(live_server, browser, demo):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=False,
    )
    phone = context.new_page()
    thread = Thread.objects.filter(board__slug="announcements").order_by("pk").first()
    phone.goto(live_server.url + thread.get_absolute_url())
    assert meta(phone, "og:url") == settings.SITE_URL + thread.get_absolute_url()
    assert meta(phone, "og:title") == thread.title
    share = phone.locator("section.share")
    expect(share.get_by_role("link", name="微博")).to_have_attribute("href", _starts("https://service.weibo.com/"))
    expect(share.get_by_role("link", name="QQ")).to_be_visible()
    qr = share.get_by_role("img", name="本页地址的二维码")
    expect(qr).to_be_hidden()
    share.get_by_text("微信", exact=True).click()
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def _starts(prefix: str):
    import re

    return re.compile("^" + re.escape(prefix))


def test_share_pages_with_the_qr_code_open_have_no_serious_axe_violation(live_server, browser, demo):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True
    )
    page = context.new_page()
    release = Release.objects.filter(state=Release.State.PUBLISHED, product__slug="miui").order_by("publish_at").first()
    photo = Thread.objects.filter(board__slug="photography").order_by("pk").first()
    found = []
    for path in (
        photo.get_absolute_url(),
        release.get_absolute_url(),
        f"/awards/{release.product.slug}/{release.version}/",
        "/b/photography/",
    ):
        assert page.goto(live_server.url + path).status == 200, path
        if page.locator("details.share-wechat").count():
            page.locator("details.share-wechat summary").click()
        found += _serious_violations(page)
    context.close()
    assert found == [], "\n".join(found)


@IN_CHINESE
def test_the_release_picture_loads_as_a_1200_by_630_image(live_server, phone, demo):
    release = Release.objects.filter(state=Release.State.PUBLISHED, product__slug="miui").order_by("publish_at").first()
    phone.goto(live_server.url + release.get_absolute_url())
    picture = meta(phone, "og:image")
    assert picture.startswith(settings.SITE_URL) and picture.endswith("/card.png")
    phone.goto(live_server.url + picture.removeprefix(settings.SITE_URL))
    assert phone.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]") == [1200, 630]


@IN_CHINESE
def test_the_demo_photography_thread_shows_its_picture(live_server, phone, demo):
    photo = Thread.objects.filter(board__slug="photography").order_by("pk").first()
    phone.goto(live_server.url + photo.get_absolute_url())
    picture = phone.get_by_role("img", name="晚霞中的远山 Mountains under a sunset sky")
    expect(picture).to_be_visible()
    assert phone.evaluate("(image) => image.naturalWidth", picture.element_handle()) > 0
