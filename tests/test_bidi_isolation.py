"""Visitors' text shown inside other text is isolated (``<bdi>`` or ``dir="auto"``): a right-to-left
title or name does not reorder the words, counts and links around it."""

import re

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from forum.tests.factories import BoardFactory, make_thread
from ideas.tests.factories import ideas_product, propose
from notifications.tests.factories import make_notification

pytestmark = pytest.mark.django_db

ARABIC = "مرحبا بالعالم"


def test_a_thread_title_in_a_board_list_is_isolated(client):
    board = BoardFactory()
    make_thread(board=board, title=ARABIC)
    html = client.get(board.get_absolute_url()).content.decode()
    assert f"<bdi>{ARABIC}</bdi></a>" in html


def test_a_thread_title_heading_takes_its_own_direction(client):
    thread = make_thread(title=ARABIC)
    assert f'<h1 dir="auto">{ARABIC}</h1>' in client.get(thread.get_absolute_url()).content.decode()


def test_names_on_a_post_and_in_the_header_are_isolated(client, in_english):
    fan = UserFactory(username="ada", display_name=ARABIC, phone_model="نوت 13")
    client.force_login(fan)
    thread = make_thread(author=fan)
    html = client.get(thread.get_absolute_url()).content.decode()
    # The header shows the reader's avatar; their name is its accessible name, never laid among other text.
    assert f'class="me" aria-label="{ARABIC}: my profile"' in html
    assert re.search(rf'class="author" href="/u/ada/" dir="auto">{ARABIC}</a>', html)
    assert "<bdi>نوت 13</bdi> ·" in html


def test_an_idea_title_in_its_list_is_isolated(client):
    product = ideas_product()
    idea = propose(product, title=ARABIC)
    html = client.get(reverse("ideas:list", args=[product.slug])).content.decode()
    assert f'href="{idea.get_absolute_url()}" dir="auto">{ARABIC}</a>' in html


def test_each_name_and_title_in_a_notification_is_isolated_and_escaped(client, in_english):
    fan = UserFactory(language="en")
    client.force_login(fan)
    make_notification(fan, thread="<script>x</script>" + ARABIC)
    html = client.get(reverse("notifications:list")).content.decode()
    assert f"<bdi>Rui</bdi> replied in “<bdi>&lt;script&gt;x&lt;/script&gt;{ARABIC}</bdi>”" in html
