"""Words in Chinese pages and files: the vote count's word is in the catalogue, and the four-cell report
(体验报告) is never called by the forum's abuse report's name (举报)."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from feedback import reports
from feedback.awards import season_name
from feedback.tests.reporting import published_release, submit
from feedback.tests.test_summaries import csv_rows
from ideas import voting
from ideas.tests.factories import ideas_product, make_pm, propose

pytestmark = pytest.mark.django_db
CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_an_ideas_vote_count_is_counted_in_chinese(client):
    product = ideas_product()
    idea = propose(product, title="夜景模式")
    for _ in range(3):
        voting.toggle_vote(idea=idea, user=UserFactory())
    html = client.get(reverse("ideas:list", args=[product.slug]), **CHINESE).content.decode()
    assert "<strong>3</strong>" in html and "票" in html and "votes" not in html


def test_the_comments_csv_calls_the_four_cell_report_by_its_own_name_in_chinese(client):
    release = published_release()
    reports.open_window(release=release, now=release.published_at)
    submit(release, UserFactory(), why_mood="不错")
    client.force_login(make_pm())
    rows = csv_rows(
        client.get(reverse("feedback:summary_comments_csv", args=[release.product.slug, release.version]), **CHINESE)
    )
    assert rows[0][0] == "体验报告"


def test_a_sentence_ending_with_a_time_ends_with_one_full_stop_in_english():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.template import Context, Template
    from django.utils import translation

    sentence = Template(
        '{% load i18n %}{% blocktranslate with when=moment|date:"DATETIME_FORMAT" %}'
        "Reports open on {{ when }}.{% endblocktranslate %}"
    )
    with translation.override("en"):
        text = sentence.render(Context({"moment": datetime(2026, 12, 11, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))}))
    assert text == "Reports open on Dec. 11, 2026, 17:00."


def test_a_season_is_written_as_people_write_a_quarter():
    with translation.override("zh-hans"):
        assert season_name("2026Q4") == "2026 年第 4 季度"
    with translation.override("en"):
        assert season_name("2026Q4") == "Q4 2026"
    assert season_name("not a season") == "not a season"
