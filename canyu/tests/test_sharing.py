"""Share cards and links: OpenGraph and Twitter tags on threads, ideas, releases and awards, with
absolute addresses and escaped plain text; Weibo and QQ links; the WeChat QR code of the page's address;
the release and award pictures (1200×630 PNG, drawn once)."""

import html
import re
from datetime import timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
import time_machine
from django.urls import reverse
from PIL import Image

from feedback.tests.reporting import CLOSES, frozen_week, items_of, published_release
from forum.tests.factories import make_thread
from releases.tests.factories import make_engineer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
SITE = "https://forum.example.com"
AFTER = CLOSES + timedelta(hours=1)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.VOTING_AWARD_MIN_REPORTS = 2


def meta(page: str, name: str) -> str:
    """The content of the page's <meta property|name=``name``>, unescaped as a browser reads it."""
    found = re.findall(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    assert len(found) == 1, (name, found)
    return html.unescape(found[0])


def link(page: str, css_class: str) -> str:
    return html.unescape(re.search(rf'<a class="{css_class}" href="([^"]*)"', page).group(1))


def test_a_thread_shares_its_title_and_first_post_as_escaped_plain_text(client):
    thread = make_thread(title='Tips & "tricks" <b>now</b>', source="**Bold** start <script>x</script>" + " word" * 80)
    page = client.get(thread.get_absolute_url()).content.decode()
    head = page.split("</head>")[0]
    assert meta(page, "og:title") == 'Tips & "tricks" <b>now</b>'
    assert "<b>now</b>" not in head and "<script>x" not in head  # escaped, never markup
    description = meta(page, "og:description")
    # The Markdown's formatting goes; what the author typed stays text (escaped in the page, as above).
    assert description.startswith("Bold start <script>x</script> word") and "**" not in description
    assert len(description) <= 160 and description.endswith("…")
    assert meta(page, "og:url") == f"{SITE}/t/{thread.pk}/"
    assert meta(page, "twitter:card") == "summary" and meta(page, "twitter:description") == description


def test_a_later_page_of_a_thread_shares_itself_at_no_extra_cost(client):
    thread = make_thread(title="A long conversation", source="The opening words", replies=25)
    page = client.get(thread.get_absolute_url() + "?page=2").content.decode()
    # Its own address and its own first post (floor 21): page 1's opening post would cost a query more.
    assert meta(page, "og:url") == f"{SITE}/t/{thread.pk}/?page=2"
    assert meta(page, "og:description") == thread.posts.get(floor=21).source


def test_a_hidden_first_post_is_never_shared_not_even_from_a_moderators_page(client):
    from accounts.roles import Role
    from accounts.tests.factories import UserFactory
    from forum import moderation

    thread = make_thread(title="A thread with a hidden start", source="Something rude", replies=1)
    moderator = UserFactory(roles=[Role.MODERATOR])
    moderation.set_post_hidden(post=thread.posts.get(floor=1), moderator=moderator, hidden=True, reason="rude")
    client.force_login(moderator)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Something rude" in page.split("</head>")[1]  # the moderator reads it in the page...
    assert meta(page, "og:description") == "Reply 1"  # ...but the card is what fans see


def test_an_idea_shares_its_title_and_proposal(client):
    from ideas.tests.factories import make_idea

    idea = make_idea(title="Dark mode for the lock screen")
    page = client.get(idea.thread.get_absolute_url()).content.decode()
    assert meta(page, "og:title") == "Dark mode for the lock screen"
    assert meta(page, "og:description") == "It would be lovely."
    assert meta(page, "og:url") == f"{SITE}/t/{idea.thread_id}/"
    assert parse_qs(urlsplit(link(page, "share-weibo")).query)["url"] == [f"{SITE}/t/{idea.thread_id}/"]


def test_signed_in_readers_get_the_same_card_as_visitors(client, fan):
    thread = make_thread(title="Shared by everyone", source="Same for all")
    signed_in = client.get(thread.get_absolute_url()).content.decode()
    client.logout()
    visitor = client.get(thread.get_absolute_url()).content.decode()
    for name in ("og:title", "og:description", "og:url"):
        assert meta(signed_in, name) == meta(visitor, name)


def test_share_links_carry_the_pages_address_and_title(client):
    thread = make_thread(title="微博分享 & QQ", source="正文")
    page = client.get(thread.get_absolute_url()).content.decode()
    weibo, qq = urlsplit(link(page, "share-weibo")), urlsplit(link(page, "share-qq"))
    assert (weibo.scheme, weibo.netloc, weibo.path) == ("https", "service.weibo.com", "/share/share.php")
    assert parse_qs(weibo.query) == {"url": [f"{SITE}/t/{thread.pk}/"], "title": ["微博分享 & QQ"]}
    assert (qq.scheme, qq.netloc) == ("https", "connect.qq.com")
    assert parse_qs(qq.query)["url"] == [f"{SITE}/t/{thread.pk}/"] and parse_qs(qq.query)["title"] == ["微博分享 & QQ"]


def test_the_wechat_qr_code_holds_the_pages_address(client):
    thread = make_thread(title="Scan me please", source="Hello")
    page = client.get(thread.get_absolute_url()).content.decode()
    svg = re.search(r'<div class="qr" role="img" aria-label="[^"]+">(<svg.*?</svg>)</div>', page, re.S).group(1)
    # The same modules as the code of the page's absolute address: a reader scanning it opens this page.
    expected = segno.make(f"{SITE}/t/{thread.pk}/", error="m", micro=False)
    assert svg == expected.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)
    assert "<script" not in svg


def test_a_release_shares_its_changelog_and_picture(client):
    release = published_release(items=3)
    page = client.get(release.get_absolute_url()).content.decode()
    assert meta(page, "og:title") == f"{release.product.name} {release.version} · {release.title}"
    assert meta(page, "og:description") == " · ".join(item.title for item in items_of(release))
    image = f"{SITE}/releases/{release.product.slug}/{release.version}/card.png"
    assert meta(page, "og:image") == image and meta(page, "twitter:image") == image
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "og:image:width") == "1200" and meta(page, "og:image:height") == "630"


def test_an_award_shares_its_result(client):
    release = frozen_week(engineers=[make_engineer(username="zhou")], picks=[(1, 0), (1, 2), (2, 0)])
    with time_machine.travel(AFTER, tick=False):
        page = client.get(reverse("feedback:award", args=[release.product.slug, release.version])).content.decode()
    winner = items_of(release)[1].title
    assert meta(page, "og:title") == f"Popcorn Award · {release.product.name} {release.version}"
    assert meta(page, "og:description") == (f"{winner}: loved most by 67 % of the 3 fans who reported on this build.")
    assert meta(page, "og:image") == f"{SITE}/awards/{release.product.slug}/{release.version}/card.png"


def test_pages_without_a_card_have_no_share_tags(client):
    assert 'property="og:' not in client.get(reverse("forum:index")).content.decode()


def png_size(content: bytes) -> tuple[int, int]:
    image = Image.open(BytesIO(content))
    assert image.format == "PNG"
    return image.size


def test_the_release_picture_is_a_1200_by_630_png_cached_by_anyone(client):
    release = published_release(items=3)
    response = client.get(reverse("releases:card", args=[release.product.slug, release.version]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert png_size(response.content) == (1200, 630)
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    again = client.get(
        reverse("releases:card", args=[release.product.slug, release.version]), HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_the_award_picture_is_a_1200_by_630_png(client):
    release = frozen_week(engineers=[make_engineer(username="zhou")], picks=[(1, 0), (1, 2)])
    response = client.get(reverse("feedback:award_card", args=[release.product.slug, release.version]))
    assert response.status_code == 200 and png_size(response.content) == (1200, 630)


def test_a_picture_is_drawn_once_and_then_served_from_its_file(client, settings, tmp_path):
    release = published_release(items=2)
    url = reverse("releases:card", args=[release.product.slug, release.version])
    first = client.get(url).content
    files = list((tmp_path / "media" / "cards").rglob("*.png"))
    assert len(files) == 1 and files[0].read_bytes() == first
    # Whatever is in the file is what is served: nothing is drawn again.
    marker = BytesIO()
    Image.new("RGB", (1200, 630), "#123456").save(marker, format="PNG")
    files[0].write_bytes(marker.getvalue())
    assert client.get(url).content == marker.getvalue()


def test_a_changed_changelog_makes_a_new_picture(client, tmp_path):
    release = published_release(items=2)
    url = reverse("releases:card", args=[release.product.slug, release.version])
    client.get(url)
    item = items_of(release)[0]
    type(item).objects.filter(pk=item.pk).update(title="A new title for the first update")
    client.get(url)
    assert len(list((tmp_path / "media" / "cards").rglob("*.png"))) == 2


def test_an_unpublished_release_has_no_picture_for_visitors(client):
    from releases.tests.factories import make_release

    release = make_release(items=1)
    assert client.get(reverse("releases:card", args=[release.product.slug, release.version])).status_code == 404
