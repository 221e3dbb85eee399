"""The fonts of share pictures (canyu.cardimages): Chinese is drawn with a font that has Chinese glyphs
whenever one is installed, never as boxes ("tofu"); without one, what cannot be drawn is left out
and a warning says so; the picture's file is named by its fonts too."""

import logging
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from canyu import cardimages

CARD = cardimages.Card(
    kicker="MIUI",
    title="26.11.27 · 农历锁屏 Lunar lock screen",
    lines=("· 锁屏显示农历", "· Film filters"),
    footer="Canyu",
)
CHINESE = "农历锁屏"
# Where the title is drawn: below the kicker, one line of 60 px type.
TITLE_BAND = (cardimages.MARGIN, 128, cardimages.WIDTH - cardimages.MARGIN, 206)


def installed(fonts):
    return [source for source in fonts if Path(source[0]).is_file()]


def need_chinese_font():
    if not installed(cardimages.CJK_FONTS):
        pytest.skip("no font with Chinese glyphs on this machine (apt-get install fonts-noto-cjk)")


def need_latin_font():
    if not installed(cardimages.LATIN_FONTS):
        pytest.skip("no DejaVu font on this machine (apt-get install fonts-dejavu-core)")


def without_chinese_fonts(monkeypatch):
    monkeypatch.setattr(cardimages, "CJK_FONTS", ())


def glyph(source, char):
    """``char`` drawn alone in the font of ``source``, as pixels."""
    image = Image.new("L", (96, 96))
    ImageDraw.Draw(image).text((8, 8), char, font=cardimages._font(*source, 60), fill=255)
    return image.tobytes()


def title_band(png: bytes) -> Image.Image:
    return Image.open(BytesIO(png)).convert("L").crop(TITLE_BAND)


def has_ink(band: Image.Image) -> bool:
    return band.getextrema()[0] < 128  # dark type on white paper


def test_chinese_is_drawn_with_glyphs_not_tofu(settings):
    need_chinese_font()
    settings.SHARE_CARD_FONT = ""
    source = cardimages.source_for(CHINESE, cardimages.font_sources())
    assert source is not None and source in cardimages.CJK_FONTS
    tofu = glyph(source, "\U0010fffd")  # a code point no font has: the font's "not defined" box
    drawn = [glyph(source, char) for char in CHINESE]
    assert all(pixels != tofu for pixels in drawn)
    assert len(set(drawn)) == len(CHINESE)  # four characters, four shapes: boxes would all be alike
    # The comparison tells tofu apart: Pillow's own font has no Chinese and draws each as the same box.
    assert {glyph(cardimages.PILLOW_FONT, char) for char in CHINESE} == {glyph(cardimages.PILLOW_FONT, "\U0010fffd")}


def test_a_chinese_title_on_the_card_is_its_own_shape(settings):
    need_chinese_font()
    settings.SHARE_CARD_FONT = ""
    bands = [
        title_band(cardimages.render_card(cardimages.Card(kicker="MIUI", title=title))[0])
        for title in (CHINESE, "影视滤镜")
    ]
    assert all(has_ink(band) for band in bands)
    assert bands[0].tobytes() != bands[1].tobytes()


def test_with_a_chinese_font_every_line_is_drawn(settings):
    need_chinese_font()
    settings.SHARE_CARD_FONT = ""
    _png, shown = cardimages.render_card(CARD)
    assert shown == ["MIUI", CARD.title, *CARD.lines, "Canyu"]


def test_a_latin_share_card_font_gives_way_to_a_chinese_font_for_chinese_lines(settings):
    need_chinese_font()
    need_latin_font()
    latin = installed(cardimages.LATIN_FONTS)[0]
    settings.SHARE_CARD_FONT = latin[0]
    sources = cardimages.font_sources()
    assert sources == (latin, installed(cardimages.CJK_FONTS)[0])
    assert cardimages.source_for("Canyu", sources) == latin  # the chosen font, where it can draw
    _png, shown = cardimages.render_card(CARD)
    assert shown == ["MIUI", CARD.title, *CARD.lines, "Canyu"]


def test_a_chinese_collection_at_a_usual_place_is_read_in_its_simplified_chinese_face(settings):
    need_chinese_font()
    path, index = installed(cardimages.CJK_FONTS)[0]
    settings.SHARE_CARD_FONT = path
    assert cardimages.font_sources() == ((path, index),)


def test_without_a_chinese_font_lines_it_cannot_draw_are_left_out_and_a_warning_says_why(settings, monkeypatch, caplog):
    need_latin_font()
    without_chinese_fonts(monkeypatch)
    settings.SHARE_CARD_FONT = installed(cardimages.LATIN_FONTS)[0][0]
    with caplog.at_level(logging.WARNING, logger="canyu.cardimages"):
        png, shown = cardimages.render_card(CARD)
    assert Image.open(BytesIO(png)).size == (1200, 630)
    assert shown == ["MIUI", "· Film filters", "Canyu"]
    assert png == cardimages.render_card(replace(CARD, title="", lines=CARD.lines[1:]))[0]  # left out, not boxes
    assert "No font with Chinese glyphs" in caplog.text and "fonts-noto-cjk" in caplog.text


def test_without_any_font_file_pillows_own_font_draws_the_latin_lines(settings, monkeypatch, caplog):
    without_chinese_fonts(monkeypatch)
    monkeypatch.setattr(cardimages, "LATIN_FONTS", ())
    settings.SHARE_CARD_FONT = "/nonexistent/font.ttf"
    with caplog.at_level(logging.WARNING, logger="canyu.cardimages"):
        assert cardimages.font_sources() == (cardimages.PILLOW_FONT,)
    png, shown = cardimages.render_card(CARD)
    assert Image.open(BytesIO(png)).size == (1200, 630) and shown == ["MIUI", "· Film filters", "Canyu"]
    assert "SHARE_CARD_FONT=/nonexistent/font.ttf is not a file" in caplog.text
    assert "Pillow's built-in font" in caplog.text


def test_the_pictures_file_is_named_by_its_fonts_too(settings, monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SHARE_CARD_FONT = ""
    if cardimages.font_sources() == (cardimages.PILLOW_FONT,):
        pytest.skip("no font file on this machine: both pictures would use Pillow's font")
    _png, with_found_fonts = cardimages.stored_card(CARD)
    without_chinese_fonts(monkeypatch)
    monkeypatch.setattr(cardimages, "LATIN_FONTS", ())
    _png, with_pillows_font = cardimages.stored_card(CARD)
    assert with_found_fonts != with_pillows_font
    assert sorted(path.stem for path in tmp_path.rglob("*.png")) == sorted([with_found_fonts, with_pillows_font])
    assert cardimages.card_digest(CARD, (("a.ttf", 0),)) != cardimages.card_digest(CARD, (("b.ttf", 0),))
