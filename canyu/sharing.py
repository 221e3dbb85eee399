"""What a page shows when it is shared: its card (OpenGraph and Twitter tags), links to share it on
Weibo and QQ, and a QR code of its address for WeChat, made here (segno), with no script and no
request to anyone else.

A card depends only on what the page shows to everyone (a thread's title and first post, a
release's changelog, an award's result), never on the reader: thread pages are shells shared by
many readers (forum/shells.py), and a card is in their head.
"""

import functools
import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.text import Truncator

DESCRIPTION_MAX = 160  # characters: what Weibo, WeChat and search engines show of a description
TITLE_MAX = 120

WEIBO_SHARE = "https://service.weibo.com/share/share.php"
QQ_SHARE = "https://connect.qq.com/widget/shareqq/index.html"

_SPACES = re.compile(r"\s+")


def absolute(path: str) -> str:
    """The address of ``path`` on this site (settings.SITE_URL): crawlers and apps open it from elsewhere."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def plain_text(text: str, *, limit: int = DESCRIPTION_MAX, markup: bool = True) -> str:
    """``text`` as one line of plain text of at most ``limit`` characters. With ``markup``, ``text`` is
    HTML (a rendered post) and its tags go; without, it is text as typed (a title: "<b>" is its words).
    Escaping is the template's job: this returns the text itself."""
    text = html.unescape(strip_tags(text or "")) if markup else (text or "")
    text = _SPACES.sub(" ", text).strip()
    return Truncator(text).chars(limit)


@dataclass(frozen=True)
class ShareCard:
    title: str
    description: str
    url: str  # absolute
    image: str = ""  # absolute address of a 1200×630 PNG, or none
    kind: str = "article"  # og:type

    @property
    def weibo_url(self) -> str:
        return f"{WEIBO_SHARE}?{urlencode({'url': self.url, 'title': self.title})}"

    @property
    def qq_url(self) -> str:
        query = {"url": self.url, "title": self.title, "desc": self.description, "summary": self.description}
        return f"{QQ_SHARE}?{urlencode(query)}"

    @property
    def qr_svg(self) -> str:
        """The page's address as a QR code, an SVG to put inline (WeChat scans it from another screen)."""
        return qr_svg(self.url)


def share_card(
    *, title: str, description: str, path: str, image_path: str = "", kind: str = "article", markup: bool = False
) -> ShareCard:
    """The card of the page at ``path``; ``markup``: ``description`` is HTML (a rendered post)."""
    return ShareCard(
        title=plain_text(title, limit=TITLE_MAX, markup=False),
        description=plain_text(description, markup=markup),
        url=absolute(path),
        image=absolute(image_path) if image_path else "",
        kind=kind,
    )


# A page's QR code is a function of its address alone, and making one costs about 3 ms (segno scores
# eight masks in Python: most of a cold thread page's template time): each process keeps the last ones.
@functools.lru_cache(maxsize=1024)
def qr_svg(url: str) -> str:
    # Medium error correction: still read from a slightly smudged or reflective phone screen.
    # No XML declaration and no size in mm: it is drawn inside the page, sized by canyu.css.
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=4, border=2, dark="#000", light="#fff", omitsize=True
    )
