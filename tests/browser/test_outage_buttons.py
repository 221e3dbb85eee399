"""A vote button pressed while the database fails over: the fan is told why and when to try again at the
bottom of the page (templates/base.html's htmx-config, canyu/errorpages.py), instead of a button that does
nothing. On PostgreSQL: the fail-over is real (every connection cut, new ones read-only)."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from canyu.tests.test_outages import read_only_database
from ideas.models import IdeaVote
from ideas.tests.factories import ideas_product, propose
from tests.browser.steps import assert_fits_the_phone, sign_in

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL")


@pytest.fixture
def phone_locale():
    return "zh-CN"


def cut_every_other_connection():
    """What a fail-over does to the connections the live server keeps open (DB_CONN_MAX_AGE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_a_vote_during_a_fail_over_says_why_and_when_to_retry(live_server, phone):
    base = live_server.url
    fan = UserFactory(username="ada")
    idea = propose(ideas_product(name="MIUI", slug="miui"), title="深色模式跟随日出日落", author=UserFactory())
    sign_in(phone, base, "ada")
    phone.goto(base + idea.get_absolute_url())
    expect(phone.locator("#request-trouble")).to_be_hidden()

    with read_only_database():
        cut_every_other_connection()
        phone.locator(".idea-panel .vote-button").click()
        trouble = phone.locator("#request-trouble")
        expect(trouble).to_be_visible()
        expect(trouble).to_contain_text("请 30 秒后再试")
        expect(phone.locator(".idea-panel .vote-button")).to_have_attribute("aria-pressed", "false")
        assert_fits_the_phone(phone)
    assert not IdeaVote.objects.filter(idea=idea, user=fan).exists()
