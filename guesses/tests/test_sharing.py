"""A teaser's share card and picture: the clues shown so far (never one whose time has not come), the
answer once revealed."""

from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from PIL import Image

from canyu.tests.test_sharing import meta
from guesses import pages, revealing, sharing
from guesses.tests.factories import make_teaser
from guesses.tests.test_guessing import after_close

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    settings.SITE_URL = "https://forum.example.com"
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_teaser_shares_the_clues_so_far_and_its_picture(client):
    teaser = make_teaser(clues=[("It has a camera.", -5), ("It folds in half.", 60)])
    page = client.get(teaser.get_absolute_url()).content.decode()
    assert meta(page, "og:title") == "Guess the product · What are we launching?"
    assert meta(page, "og:description") == "· It has a camera."
    assert meta(page, "og:image") == f"https://forum.example.com/guess/{teaser.pk}/card.png"
    assert "It folds in half." not in page
    response = client.get(reverse("guesses:card", args=[teaser.pk]))
    assert response.status_code == 200
    assert Image.open(BytesIO(b"".join(response))).size == (1200, 630)


def test_the_picture_never_holds_a_clue_before_its_time_and_shows_the_answer_after_the_reveal():
    teaser = make_teaser(clues=[("It has a camera.", -5), ("It folds in half.", 60)])
    picture = sharing.teaser_picture(pages.teaser_page(AnonymousUser(), teaser.pk))
    assert picture.lines == ("· It has a camera.",)
    revealing.reveal_teaser(teaser=teaser, now=after_close(teaser))
    revealed = sharing.teaser_picture(pages.teaser_page(AnonymousUser(), teaser.pk, now=after_close(teaser)))
    assert revealed.lines == ("· It has a camera.", "· It folds in half.", "The answer: Nova 10")


def test_an_unpublished_teasers_picture_is_404(client):
    teaser = make_teaser(published=False)
    assert client.get(reverse("guesses:card", args=[teaser.pk])).status_code == 404
