"""What a person reads on a page, and the runs of Latin letters in it that are not on the allow-list.

``visible_text`` keeps the text a browser shows or reads aloud: the text of elements (not of
``<script>``, ``<style>`` or ``<template>``, nor of ``<code>``, ``<var>``, ``<kbd>`` and ``<samp>``,
which hold formulas, code and keys rather than words), the page's ``<title>``, and the attributes a person
sees or hears (``alt``, ``title``, ``placeholder``, ``aria-label``, the label of a button made of
an ``<input>``, an ``<optgroup>``'s label, the description a share preview shows). Other attribute
values (addresses, ids, classes, data) are not read. Text inside an element whose ``lang`` is not
Chinese is in that language on purpose (the language switch names English in English) and is skipped.

``stray_latin`` finds runs of Latin letters in those texts, after taking out what is Latin by nature:
addresses, e-mail addresses, file names, hexadecimal digests and version numbers, and the words of
ALLOWED (brand names and abbreviations Chinese pages write in Latin letters too).
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Brand and product names, and abbreviations a Chinese page writes in Latin letters too.
ALLOWED = frozenset(
    {
        "Canyu",
        "MIUI",
        "HyperOS",  # the site's and the products' names
        "CSV",
        "PNG",
        "JPEG",
        "GIF",
        "WebP",
        "SHA",
        "UTC",
        "Atom",
        "QQ",
        "Markdown",  # formats and standards
    }
)
SHOWN_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "aria-roledescription", "label"})
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
SHOWN_META = frozenset(
    {
        "description",
        "og:title",
        "og:description",
        "og:site_name",
        "twitter:title",
        "twitter:description",
        "twitter:image:alt",
        "og:image:alt",
    }
)
NOT_SHOWN = frozenset({"script", "style", "template"})
# Not words of a language: formulas and their variables, code, keys, a program's output.
NOT_PROSE = frozenset({"code", "var", "kbd", "samp"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

NATURALLY_LATIN = re.compile(
    r"https?://\S+"  # addresses
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w/])/[\w/.%-]*"  # paths
    r"|\b[\w-]+\.(?:zip|png|jpe?g|csv|atom|ttf|ttc)\b"  # file names
    r"|\b[0-9a-f]{12,}\b"  # digests
    r"|\S*\*{4,}"  # secrets shown masked (the admin's password hash)
    r"|\bMessage-ID\b"  # the mail header
    r"|\b(?:md5|pbkdf2_sha256|pbkdf2_sha1|argon2|bcrypt_sha256|scrypt)\b"  # password hash algorithms
    r"|\b\d+(?:\.\d+)?\s?(?:[kKMGT]?B|px|MP)\b"  # sizes
    r"|\b[vV]?\d+(?:\.\d+)+\b"  # version numbers
)
LATIN_RUN = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?")


@dataclass
class _Element:
    tag: str
    skipped: bool


class TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[_Element] = []

    @property
    def skipping(self) -> bool:
        return any(element.skipped for element in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        skipped = tag in NOT_SHOWN or tag in NOT_PROSE or (lang is not None and not lang.lower().startswith("zh"))
        if not self.skipping and not skipped:
            self._attributes(tag, attributes)
        if tag not in VOID:
            self.stack.append(_Element(tag, skipped))

    def handle_startendtag(self, tag, attrs):
        if not self.skipping:
            self._attributes(tag, dict(attrs))

    def handle_endtag(self, tag):
        # Pop to the matching element (HTML lets some end tags be left out).
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())

    def _attributes(self, tag, attributes):
        if tag == "html":
            return  # <html lang="zh-hans"> is the page's own language
        for name in SHOWN_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in BUTTON_INPUTS and attributes.get("value"):
            self.texts.append(attributes["value"])
        if tag == "meta" and (attributes.get("name") or attributes.get("property")) in SHOWN_META:
            self.texts.append(attributes.get("content") or "")


def visible_text(html: str) -> list[str]:
    parser = TextParser()
    parser.feed(html)
    parser.close()
    return parser.texts


def stray_latin(texts: list[str], allowed: frozenset[str] = ALLOWED) -> list[str]:
    """Each text that has a run of Latin letters not on the allow-list, with those runs marked."""
    found = []
    for text in texts:
        words = [word for word in LATIN_RUN.findall(NATURALLY_LATIN.sub(" ", text)) if word not in allowed]
        if words:
            found.append(f"{' '.join(text.split())[:160]!r}: {', '.join(dict.fromkeys(words))}")
    return found
