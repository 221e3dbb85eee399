"""The pictures of share cards (1200×630 PNG, the size Weibo, WeChat and OpenGraph readers show large),
drawn by Canyu with Pillow, stored once and served from then on.

A picture is a function of what it shows: its file is named by a digest of its texts, its font and
the drawing's version (``CARD_VERSION``), so a changed changelog or result makes a new file and an
unchanged one is never drawn twice, by any process. Files live in MEDIA_ROOT/cards/, written to a
temporary name and renamed, so a reader never gets half a file.

Chinese needs a font with Chinese glyphs, and a fresh machine may have none. The fonts are tried in
order (``font_sources``): SHARE_CARD_FONT if set, then, unless it has Chinese glyphs, the first font
with them found where Debian (fonts-noto-cjk, fonts-wqy-*, fonts-droid-fallback), Fedora, macOS or
Windows put them; a Latin font or Pillow's own only when there is nothing else. Each text is drawn
with the first font that has all of its glyphs; a text none can draw is left out rather than drawn
as boxes (the product and version, in Latin letters and digits, always show), and a warning says
which font to install.
"""

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
CARD_VERSION = 1  # move it when the drawing changes: every picture is then drawn anew
CACHE_SECONDS = 3600  # browsers and proxies; the address stays, the picture may change with its page
MARGIN = 64
ORANGE, ORANGE_DARK, INK, MUTED, PAPER = "#ff6700", "#b34700", "#1f2328", "#5f6670", "#ffffff"

# A font file and the face in it; ("", 0) is Pillow's own (Latin) font.
FontSource = tuple[str, int]
PILLOW_FONT: FontSource = ("", 0)
# Fonts with Chinese glyphs where Debian, Ubuntu, Fedora, macOS and Windows put them. A .ttc's face
# index picks the Simplified Chinese face where the collection has several.
CJK_FONTS: tuple[FontSource, ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
)
# Latin letters at least, when there is no Chinese font.
LATIN_FONTS: tuple[FontSource, ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", 0),
)
# Characters a font must draw to count as one with Chinese glyphs.
CHINESE_PROBE = "中文爆米花"


@dataclass(frozen=True)
class Card:
    """What a picture shows: a small line above (the product, or "Popcorn Award"), the big title,
    up to four lines under it, and the site's name at the bottom."""

    kicker: str
    title: str
    lines: tuple[str, ...] = ()
    footer: str = ""


def font_sources() -> tuple[FontSource, ...]:
    """The fonts pictures are drawn with, in order: each text takes the first that has all its glyphs."""
    return _font_sources(getattr(settings, "SHARE_CARD_FONT", ""), CJK_FONTS, LATIN_FONTS)


@lru_cache(maxsize=8)
def _font_sources(
    configured: str, cjk_fonts: tuple[FontSource, ...], latin_fonts: tuple[FontSource, ...]
) -> tuple[FontSource, ...]:
    """SHARE_CARD_FONT (a .ttc at a usual place: its Chinese face), then the first usual font with
    Chinese glyphs unless it has them, then a Latin font or Pillow's own only if there is nothing yet.
    Looked for once per process (and per setting); what was found is logged, a missing font loudly."""
    sources: list[FontSource] = []
    if configured:
        if Path(configured).is_file():
            sources.append((configured, dict(cjk_fonts).get(configured, 0)))
        else:
            logger.warning(
                "SHARE_CARD_FONT=%s is not a file: share pictures use the fonts found in the usual places", configured
            )
    if not any(drawable(CHINESE_PROBE, source) for source in sources):
        chinese = next(
            (source for source in cjk_fonts if Path(source[0]).is_file() and drawable(CHINESE_PROBE, source)), None
        )
        if chinese is not None:
            sources.append(chinese)
        else:
            logger.warning(
                "No font with Chinese glyphs for share pictures (SHARE_CARD_FONT=%r, none in the usual places): "
                "their Chinese lines are left out. Install fonts-noto-cjk (Debian: /usr/share/fonts/opentype/noto/) "
                "or set SHARE_CARD_FONT.",
                configured,
            )
    if not sources:
        latin = next((source for source in latin_fonts if Path(source[0]).is_file()), None)
        sources.append(latin or PILLOW_FONT)
        if latin is None:
            logger.warning("No font file for share pictures: Pillow's built-in font draws their Latin lines")
    logger.info(
        "Share pictures are drawn with %s",
        ", ".join(f"{path} (face {index})" if path else "Pillow's font" for path, index in sources),
    )
    return tuple(sources)


def source_for(text: str, sources: tuple[FontSource, ...]) -> FontSource | None:
    """The first of ``sources`` that has a glyph for every character of ``text``; None if none has."""
    return next((source for source in sources if drawable(text, source)), None)


@lru_cache(maxsize=32)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    if path:
        try:
            return ImageFont.truetype(path, size, index=index)
        except OSError:  # not a font, or a face index the file does not have
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                pass
    return ImageFont.load_default(size)


@lru_cache(maxsize=4096)
def _draws(path: str, index: int, char: str) -> bool:
    """Whether the font has a glyph for ``char``: a missing one is drawn as the font's "not defined"
    box (tofu), the same as a code point no font has."""
    if char.isspace():
        return True
    font = _font(path, index, 32)
    return _glyph(font, char) != _glyph(font, "\U0010fffd")


def _glyph(font, char: str) -> bytes:
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((8, 8), char, font=font, fill=255)
    return image.tobytes()


def drawable(text: str, source: FontSource) -> bool:
    return all(_draws(*source, char) for char in set(text))


def _fit(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels on one line."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    """At most ``max_lines`` lines of ``text`` within ``width``: broken between characters, which is
    how Chinese breaks (and good enough for the short English titles a card shows)."""
    lines, current = [], ""
    for char in text:
        if draw.textlength(current + char, font=font) > width and current:
            lines.append(current)
            current = char.lstrip()
            if len(lines) == max_lines:
                break
        else:
            current += char
    else:
        if current:
            lines.append(current)
        return lines
    lines[-1] = _fit(draw, lines[-1] + current, font, width)
    return lines


def render_card(card: Card, sources: tuple[FontSource, ...] | None = None) -> tuple[bytes, list[str]]:
    """The PNG of ``card`` and the texts it shows (those no font could draw are left out)."""
    sources = sources or font_sources()
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 16), fill=ORANGE)
    draw.rectangle((0, HEIGHT - 96, WIDTH, HEIGHT), fill=ORANGE_DARK)
    width = WIDTH - 2 * MARGIN
    shown = []
    y = 64
    source = source_for(card.kicker, sources) if card.kicker else None
    if source is not None:
        font = _font(*source, 36)
        draw.text((MARGIN, y), _fit(draw, card.kicker, font, width), font=font, fill=ORANGE_DARK)
        shown.append(card.kicker)
    y += 64
    source = source_for(card.title, sources) if card.title else None
    if source is not None:
        font = _font(*source, 60)
        for line in _wrap(draw, card.title, font, width, max_lines=2):
            draw.text((MARGIN, y), line, font=font, fill=INK)
            y += 78
        shown.append(card.title)
    y += 18
    for line in card.lines:
        if y > HEIGHT - 96 - 56:
            break
        source = source_for(line, sources)
        if source is None:
            continue
        font = _font(*source, 34)
        draw.text((MARGIN, y), _fit(draw, line, font, width), font=font, fill=MUTED)
        shown.append(line)
        y += 52
    source = source_for(card.footer, sources) if card.footer else None
    if source is not None:
        font = _font(*source, 36)
        draw.text((MARGIN, HEIGHT - 72), _fit(draw, card.footer, font, width), font=font, fill=PAPER)
        shown.append(card.footer)
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), shown


def card_digest(card: Card, sources: tuple[FontSource, ...]) -> str:
    """What names the picture's file: its texts, its fonts and the drawing's version."""
    described = [
        CARD_VERSION,
        [list(source) for source in sources],
        card.kicker,
        card.title,
        list(card.lines),
        card.footer,
    ]
    return hashlib.sha256(json.dumps(described, ensure_ascii=False).encode()).hexdigest()


def card_path(digest: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "cards" / digest[:2] / f"{digest}.png"


def stored_card(card: Card) -> tuple[bytes, str]:
    """The PNG of ``card`` and its digest: read from its file, or drawn and stored once. Two processes
    drawing the same new card at once both write the same bytes; the rename makes either whole."""
    sources = font_sources()
    digest = card_digest(card, sources)
    path = card_path(digest)
    try:
        return path.read_bytes(), digest
    except FileNotFoundError:
        pass
    png, _shown = render_card(card, sources)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(png)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return png, digest


def card_response(request, card: Card) -> HttpResponse:
    """The picture of ``card``, with an ETag (its digest) and cacheable by anyone for CACHE_SECONDS."""
    png, digest = stored_card(card)
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
