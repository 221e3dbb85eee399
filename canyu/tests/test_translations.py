import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import UserFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def test_every_string_has_a_chinese_translation(catalogue):
    untranslated = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == []


def test_translations_keep_their_placeholders(catalogue):
    def translations(entry):
        return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]

    wrong = [
        e.msgid
        for e in catalogue
        for text in translations(e)
        if sorted(set(PLACEHOLDER.findall(e.msgid))) != sorted(set(PLACEHOLDER.findall(text)))
    ]
    assert wrong == []


def test_the_compiled_catalogue_matches_the_source(catalogue):
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))

    def text(entry):
        return tuple(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr

    source = {(e.msgctxt, e.msgid): text(e) for e in catalogue if e.translated()}
    built = {(e.msgctxt, e.msgid): text(e) for e in compiled if e.msgid}
    assert built == source, "run `make compilemessages`"


@pytest.mark.django_db
def test_pages_render_in_chinese_for_a_chinese_browser(client):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "注册" in html  # our header
    assert "忘记密码" in html  # allauth's own catalogue


@pytest.mark.django_db
def test_pages_render_in_english_for_an_english_browser(client):
    html = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html and "Sign up" in html


@pytest.mark.django_db
def test_role_badges_are_translated(client):
    user = UserFactory(username="ada", language="zh-hans")
    client.force_login(user)
    assert "米粉" in client.get(reverse("profile", args=["ada"])).content.decode()


@pytest.mark.django_db
def test_the_language_switch_names_each_language_in_itself(client):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<option value="en" lang="en">English</option>' in html
