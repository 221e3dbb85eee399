"""forum.rendering: post Markdown to safe HTML, @mentions, counts.

Tests of render_post check the whole pipeline; tests of sanitize_post_html
check the nh3 layer alone, with HTML markdown-it would never produce, so
removing either layer fails a test.
"""

import html.parser

import pytest
from django.urls import reverse

from forum.rendering import (
    MAX_NESTING,
    MAX_PADDED_TABLE_CELLS,
    RenderedPost,
    may_mention,
    render_post,
    sanitize_post_html,
)


class _Elements(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(markup: str, tag: str | None = None) -> list[dict]:
    """Attributes of each element (of one tag) in the HTML, as a browser would read them."""
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return [attrs for found_tag, attrs in parser.found if tag is None or found_tag == tag]


def all_attribute_values(markup: str) -> list[str]:
    return [value or "" for attrs in elements(markup) for value in attrs.values()]


def existing(*names: str):
    """A mention_exists that knows these accounts and records each call."""
    known = set(names)

    def mention_exists(candidates: set[str]) -> set[str]:
        mention_exists.calls.append(set(candidates))
        return candidates & known

    mention_exists.calls = []
    return mention_exists


# --- Raw HTML is text ---------------------------------------------------------


def test_raw_script_tag_is_shown_as_text():
    result = render_post("<script>alert(1)</script>")

    assert elements(result.html, "script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.html


def test_raw_img_with_onerror_is_shown_as_text():
    result = render_post("<img src=x onerror=alert(1)>")

    assert elements(result.html, "img") == []
    assert "&lt;img src=x onerror=alert(1)&gt;" in result.html


def test_raw_anchor_with_onclick_gives_no_onclick_attribute():
    result = render_post('<a href="http://example.com" onclick="alert(1)">hi</a>')

    assert all(not name.startswith("on") for attrs in elements(result.html) for name in attrs)
    assert "onclick" in result.html  # still visible, as text


def test_raw_style_attribute_is_shown_as_text():
    result = render_post('<p style="position:fixed">x</p>')

    assert all("style" not in attrs for attrs in elements(result.html))
    assert "&lt;p style=" in result.html


# --- Dangerous URLs -----------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;&#x61;vascript:alert(1))",
        "[x](java%0ascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
    ids=[
        "plain",
        "mixed-case",
        "decimal-entity",
        "hex-entity",
        "encoded-newline",
        "vbscript",
        "data-html",
        "autolink",
        "reference",
    ],
)
def test_dangerous_link_url_produces_no_dangerous_href(source):
    result = render_post(source)

    for value in all_attribute_values(result.html):
        lowered = value.lower().replace("\n", "").replace("\t", "")
        assert "javascript:" not in lowered
        assert "vbscript:" not in lowered
        assert "data:" not in lowered


@pytest.mark.parametrize(
    "source",
    ["![x](data:image/png;base64,iVBORw0KGgo=)", "![x](DATA:image/png;base64,iVBORw0KGgo=)"],
    ids=["lower", "upper"],
)
def test_data_url_image_is_left_as_text(source):
    # markdown-it's own link check allows data:image/...; ours must not.
    result = render_post(source)

    assert elements(result.html, "img") == []
    assert elements(result.html, "a") == []
    assert "data:image/png" in result.html.lower()


def test_links_get_nofollow_ugc_noopener():
    result = render_post("[x](https://example.com/)")

    assert elements(result.html, "a") == [{"href": "https://example.com/", "rel": "nofollow ugc noopener"}]


def test_mailto_link_is_kept():
    result = render_post("[mail](mailto:fan@example.com)")

    assert elements(result.html, "a")[0]["href"] == "mailto:fan@example.com"


# --- Images -------------------------------------------------------------------


def test_uploaded_image_is_shown():
    result = render_post("![猫](/media/posts/cat.webp)")

    assert elements(result.html, "img") == [{"src": "/media/posts/cat.webp", "alt": "猫"}]


def test_external_image_is_a_link_not_an_image():
    # Showing it would make every reader's browser call the other host.
    result = render_post("![猫](https://example.com/cat.png)")

    assert elements(result.html, "img") == []
    assert elements(result.html, "a")[0]["href"] == "https://example.com/cat.png"
    assert ">猫</a>" in result.html


def test_external_image_without_alt_text_links_with_its_address():
    result = render_post("![](https://example.com/cat.png)")

    assert ">https://example.com/cat.png</a>" in result.html


def test_external_image_inside_link_becomes_its_alt_text():
    result = render_post("[![猫](https://example.com/cat.png)](https://example.com/)")

    assert len(elements(result.html, "a")) == 1
    assert ">猫</a>" in result.html


@pytest.mark.parametrize(
    "src", ["/media/../logout/", "/media/%2e%2e/logout/", "/media/a.png?next=/logout/", "//media/a.png"]
)
def test_media_image_path_that_could_leave_media_is_not_shown(src):
    result = render_post(f"![x]({src})")

    assert elements(result.html, "img") == []


# --- What markdown renders ----------------------------------------------------


def test_table_renders():
    result = render_post("| 机型 | 版本 |\n|---|---|\n| 14 | 1.0 |")

    assert [tag for tag in ("table", "thead", "tbody", "tr", "th", "td") if not elements(result.html, tag)] == []


def test_table_alignment_uses_align_not_style():
    result = render_post("| a | b |\n|:-|-:|\n| 1 | 2 |")

    assert [cell.get("align") for cell in elements(result.html, "td")] == ["left", "right"]
    assert all("style" not in attrs for attrs in elements(result.html))


def test_table_padding_with_empty_cells_is_bounded():
    # One wide header and many one-cell rows: markdown-it pads every row.
    source = "|a" * 100 + "|\n" + "|-" * 100 + "|\n" + "a\n" * 1000

    result = render_post(source)

    assert result.html.count("<td") <= MAX_PADDED_TABLE_CELLS + 1000


def test_strikethrough_renders():
    assert "<s>旧版</s>" in render_post("~~旧版~~").html


def test_fenced_code_renders_with_language_class_and_escaped_content():
    result = render_post("```python\nprint('<b>')\n```")

    assert elements(result.html, "code") == [{"class": "language-python"}]
    assert "print('&lt;b&gt;')" in result.html


def test_fenced_code_class_that_is_not_a_language_name_is_dropped():
    result = render_post('```"><b\nx\n```')

    assert elements(result.html, "code") == [{}]


def test_bare_url_becomes_link():
    result = render_post("see https://example.com/rom now")

    assert elements(result.html, "a")[0]["href"] == "https://example.com/rom"


def test_www_address_becomes_link():
    result = render_post("see www.example.com now")

    assert elements(result.html, "a")[0]["href"] == "http://www.example.com"


def test_angle_bracket_autolink_renders():
    result = render_post("<https://example.com/>")

    assert elements(result.html, "a")[0]["href"] == "https://example.com/"


def test_bare_url_stops_at_following_chinese():
    result = render_post("详见https://example.com/rom谢谢")

    assert elements(result.html, "a")[0]["href"] == "https://example.com/rom"
    assert "</a>谢谢" in result.html


def test_www_address_does_not_take_preceding_chinese():
    result = render_post("看这里www.example.com，谢谢")

    assert elements(result.html, "a")[0]["href"] == "http://www.example.com"
    assert "看这里<a" in result.html


def test_newline_in_paragraph_is_line_break():
    assert "第一行<br>" in render_post("第一行\n第二行").html


# --- Mentions -----------------------------------------------------------------


def test_mention_of_existing_user_links_to_profile():
    result = render_post("谢谢 @bob", mention_exists=existing("bob"))

    assert elements(result.html, "a") == [
        {"href": reverse("profile", args=["bob"]), "class": "mention", "rel": "nofollow ugc noopener"}
    ]
    assert ">@bob</a>" in result.html


def test_mention_of_unknown_user_is_plain_text():
    result = render_post("谢谢 @nobody", mention_exists=existing("bob"))

    assert elements(result.html, "a") == []
    assert result.mentions == frozenset()


def test_mentions_lists_existing_users_only():
    result = render_post("@bob @nobody @carol", mention_exists=existing("bob", "carol"))

    assert result.mentions == frozenset({"bob", "carol"})


def test_mention_lookup_is_called_once_with_all_candidates():
    mention_exists = existing("bob")

    render_post("@bob and @carol\n\n> @bob again, @dave", mention_exists=mention_exists)

    assert mention_exists.calls == [{"bob", "carol", "dave"}]


def test_mention_lookup_is_not_called_without_candidates():
    mention_exists = existing("bob")

    render_post("no names here", mention_exists=mention_exists)

    assert mention_exists.calls == []


def test_mentions_are_not_linked_without_lookup():
    result = render_post("@bob")

    assert elements(result.html, "a") == []


def test_mention_after_chinese_without_space_is_found():
    mention_exists = existing("米粉小王")

    result = render_post("你好@米粉小王 谢谢", mention_exists=mention_exists)

    assert mention_exists.calls == [{"米粉小王"}]
    assert elements(result.html, "a")[0]["href"] == reverse("profile", args=["米粉小王"])


def test_mention_ends_at_chinese_punctuation():
    mention_exists = existing("米粉小王")

    render_post("谢谢@米粉小王，明天见", mention_exists=mention_exists)

    assert mention_exists.calls == [{"米粉小王"}]


def test_mention_trailing_full_stop_is_not_part_of_name():
    mention_exists = existing("bob")

    render_post("thanks @bob.", mention_exists=mention_exists)

    assert mention_exists.calls == [{"bob"}]


def test_mention_is_nfkc_normalised():
    mention_exists = existing("alice")

    render_post("＠ａｌｉｃｅ", mention_exists=mention_exists)

    assert mention_exists.calls == [{"alice"}]


def test_at_sign_after_latin_letter_is_not_a_mention():
    mention_exists = existing("bobby")

    render_post("user@bobby", mention_exists=mention_exists)

    assert mention_exists.calls == []


def test_too_short_name_is_not_a_mention():
    mention_exists = existing("bo")

    render_post("@bo", mention_exists=mention_exists)

    assert mention_exists.calls == []


def test_mention_in_code_span_is_not_linked():
    mention_exists = existing("bob")

    result = render_post("`@bob`", mention_exists=mention_exists)

    assert elements(result.html, "a") == []
    assert mention_exists.calls == []


def test_mention_in_code_block_is_not_linked():
    mention_exists = existing("bob")

    result = render_post("```\n@bob\n```", mention_exists=mention_exists)

    assert elements(result.html, "a") == []
    assert mention_exists.calls == []


def test_mention_in_link_text_is_not_linked():
    mention_exists = existing("bob")

    result = render_post("[@bob](https://example.com/)", mention_exists=mention_exists)

    assert [a["href"] for a in elements(result.html, "a")] == ["https://example.com/"]


# --- Invisible characters -----------------------------------------------------


@pytest.mark.parametrize(
    "character",
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200e", "\ufeff"],
    ids=["RLO", "LRE", "LRI", "PDI", "ZWSP", "LRM", "BOM"],
)
def test_invisible_and_bidi_characters_are_removed(character):
    result = render_post(f"invoice{character}fdp.exe")

    assert "invoicefdp.exe" in result.html


def test_zero_width_joiner_inside_emoji_is_kept():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"

    assert family in render_post(family).html


def test_zero_width_joiner_between_letters_is_removed():
    assert "ab" in render_post("a\u200db").html


# --- Hostile input ------------------------------------------------------------


def test_deeply_nested_quotes_are_bounded():
    result = render_post(">" * 5000 + " a")

    assert 0 < result.html.count("<blockquote>") <= MAX_NESTING
    assert len(result.html) < 5000


def test_deeply_nested_lists_are_bounded():
    result = render_post("- " * 5000 + "a")

    assert 0 < result.html.count("<ul>") <= MAX_NESTING


def test_deeply_nested_brackets_are_bounded():
    source = "[" * 5000 + "a" + "]" * 5000 + "(https://example.com/)"

    result = render_post(source)

    assert result.html.count("<a") <= 1
    assert len(result.html) < 2 * len(source)


@pytest.mark.parametrize(
    "unit",
    [
        "*a**a*",
        "[",
        "![",
        "[a](",
        "**",
        "*a ",
        "`a``",
        "~~a",
        "<a",
        "&#x41;",
        "a.",
        "www.",
        "@a",
        "a@a.",
        "|",
        "https://a.com/你好",
        "你好www.a.com ",
        "\\",
        "> - ",
        "# a\n",
    ],
)
def test_pathological_input_at_length_limit_renders(unit):
    source = (unit * 20_000)[:20_000]

    result = render_post(source, mention_exists=lambda names: names)

    assert isinstance(result, RenderedPost)


# --- Counts -------------------------------------------------------------------


def test_link_count_counts_links_that_leave_the_site():
    source = (
        "[a](https://a.example/) https://b.example/ <https://c.example/> [d](//d.example/) "
        "[here](/t/1/) [top](#top) @bob"
    )

    result = render_post(source, mention_exists=existing("bob"))

    assert result.link_count == 4


def test_link_count_includes_external_images_shown_as_links():
    result = render_post("![x](https://example.com/x.png)")

    assert result.link_count == 1


def test_image_count_counts_shown_images():
    source = "![a](/media/a.png) ![b](/media/b.jpg) ![c](https://example.com/c.png)"

    assert render_post(source).image_count == 2


# --- The sanitiser on its own -------------------------------------------------


def test_sanitizer_removes_script_with_its_content():
    assert sanitize_post_html("<p>hi</p><script>alert(1)</script>") == "<p>hi</p>"


def test_sanitizer_strips_event_handler_attributes():
    assert sanitize_post_html('<img src="/media/a.png" onerror="alert(1)">') == '<img src="/media/a.png">'


def test_sanitizer_strips_style_attributes():
    assert sanitize_post_html('<p style="position:fixed">x</p>') == "<p>x</p>"


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:alert(1)", "data:text/html,x", "vbscript:x"]
)
def test_sanitizer_drops_dangerous_href(href):
    assert elements(sanitize_post_html(f'<a href="{href}">x</a>'), "a") == [{"rel": "nofollow ugc noopener"}]


@pytest.mark.parametrize("href", ["ftp://example.com/rom.zip", "tel:10086", "sms:10086", "magnet:?xt=urn:btih:x"])
def test_sanitizer_drops_href_with_scheme_outside_allowlist(href):
    # nh3's default scheme list allows these; ours is http, https and mailto.
    assert elements(sanitize_post_html(f'<a href="{href}">x</a>'), "a") == [{"rel": "nofollow ugc noopener"}]


def test_sanitizer_drops_image_src_outside_media():
    assert sanitize_post_html('<img src="https://example.com/x.png">') == "<img>"


@pytest.mark.parametrize("tag", ["iframe", "form", "input", "svg", "math", "object", "embed", "style"])
def test_sanitizer_removes_tags_outside_allowlist(tag):
    assert f"<{tag}" not in sanitize_post_html(f"<{tag}>x</{tag}>")


def test_sanitizer_drops_class_other_than_mention_on_links():
    assert elements(sanitize_post_html('<a href="/u/bob/" class="btn-danger">x</a>'), "a") == [
        {"href": "/u/bob/", "rel": "nofollow ugc noopener"}
    ]


def test_a_text_without_an_at_sign_may_mention_no_one():
    # notifying renders a reply again for its mentions only when it may hold one.
    assert may_mention("thanks @mei") and may_mention("谢谢＠mei")
    assert not may_mention("thanks mei")
