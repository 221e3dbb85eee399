"""Snippets: escaped, the matches marked, from a little before the first match."""

from search.snippets import highlight, snippet
from search.terms import parse_query


def test_the_matching_words_are_marked_and_everything_else_escaped():
    html = snippet("I <b>love</b> charging <script>alert(1)</script>", parse_query("charged"))
    assert "<mark>charging</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html


def test_chinese_matches_are_marked_where_they_occur():
    assert highlight("充电到 80% 自动停止", parse_query("停止")) == "充电到 80% 自动<mark>停止</mark>"


def test_a_late_match_is_shown_with_a_little_text_before_it():
    html = snippet("filler words " * 40 + "the battery lasts", parse_query("battery"))
    assert html.startswith("…") and "<mark>battery</mark>" in html


def test_markdown_links_and_images_show_their_words_only():
    html = snippet("see [the charging guide](https://x.example/a) ![pic](/media/a.png)", parse_query("guide"))
    assert "https://" not in html and "/media/" not in html and "<mark>guide</mark>" in html
