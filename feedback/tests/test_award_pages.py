"""The awards pages (weekly winners, the season table, one release's result) and the engineer's
profile: frozen results for everyone, live ones only for product managers, fixed query counts."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accounts.tests.factories import UserFactory
from feedback import reports, tally
from feedback.tests.reporting import CLOSES, FRIDAY, SATURDAY, frozen_week, items_of, published_release, submit
from ideas.tests.factories import make_pm
from releases.tests.factories import make_engineer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
AFTER = CLOSES + timedelta(hours=1)


def award_url(release):
    return reverse("feedback:award", args=[release.product.slug, release.version])


@pytest.fixture(autouse=True)
def _few_reports_win(settings):
    settings.VOTING_AWARD_MIN_REPORTS = 2


def test_the_result_page_shows_the_winner_and_the_top_ten(client):
    zhou = make_engineer(username="zhou", display_name="Zhou Wei")
    release = frozen_week(engineers=[zhou], items=12, picks=[(1, 0), (1, 2), (1, 3)])
    with time_machine.travel(AFTER, tick=False):
        html = client.get(award_url(release)).content.decode()
    items = items_of(release)
    assert "🍿" in html and f'<strong dir="auto">{items[1].title}</strong>' in html and "Zhou Wei" in html
    assert html.count('<th scope="row" dir="auto">') == 10  # the top ten of twelve
    assert "How the ranking works" in html and "μ = (f − w) / (R + 3)" in html
    assert "at least 2 reports came in" in html
    # Fans read plain words: every reporter loved the winner most, a third named item 0 weakest.
    assert "Loved most by 100 % of the 3 fans who reported on this build." in html
    assert '<td data-label="Weakest">33 % <span class="meta">(1)</span></td>' in html
    # The scores and their formula are one tap away, inside the closed "How the ranking works".
    before_details, details = html.split('<details class="score-rule" id="score">')
    assert "score" not in before_details.lower().split("<main")[1] and "S = μ − 1.65 ×" in details


def test_the_winner_in_plain_words_in_chinese(client):
    release = frozen_week(engineers=[make_engineer(username="zhou")], picks=[(1, 0), (1, 2), (2, 0)])
    with time_machine.travel(AFTER, tick=False):
        html = client.get(award_url(release), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "本周版本的 3 位报告者中，67% 把它选为最喜欢的更新。" in html


def test_the_awards_page_shows_the_whole_formula(client):
    with time_machine.travel(AFTER, tick=False):
        html = client.get(reverse("feedback:awards")).content.decode()
    assert "S = μ − 1.65 × √((m₂ − μ²) / (R + 4))" in html  # the 1.65 was missing here


def test_a_release_without_enough_reports_says_there_is_no_award(client, settings):
    settings.VOTING_AWARD_MIN_REPORTS = 5
    release = frozen_week()
    with time_machine.travel(AFTER, tick=False):
        html = client.get(award_url(release)).content.decode()
    assert "No Popcorn Award this week: 2 reports came in, and the award needs 5." in html


def test_during_the_window_fans_see_no_result_on_the_award_page(client, fan):
    release = published_release()
    submit(release, UserFactory())
    with time_machine.travel(SATURDAY, tick=False):
        html = client.get(award_url(release)).content.decode()
    assert "the result is shown when the window closes" in html and "Live standings" not in html
    assert items_of(release)[0].title not in html


def test_during_the_window_product_managers_see_the_live_standings(client):
    release = published_release()
    submit(release, UserFactory())
    client.force_login(make_pm())
    with time_machine.travel(SATURDAY, tick=False):
        html = client.get(award_url(release)).content.decode()
    assert "Live standings" in html and items_of(release)[0].title in html


def test_the_awards_page_lists_the_weekly_winners_and_the_season_table(client):
    zhou = make_engineer(username="zhou", display_name="Zhou Wei")
    release = frozen_week(engineers=[zhou])
    with time_machine.travel(AFTER, tick=False):
        html = client.get(reverse("feedback:awards")).content.decode()
    assert f"{release.product.name} {release.version}" in html and items_of(release)[1].title in html
    assert "Awards of Q4 2026" in html and f'href="{zhou.get_absolute_url()}" dir="auto">Zhou Wei</a>' in html


def test_the_awards_page_invites_to_the_open_reports(client):
    release = published_release()
    with time_machine.travel(SATURDAY, tick=False):
        reports.open_window(release=release)
        html = client.get(reverse("feedback:awards")).content.decode()
    assert reverse("feedback:report", args=[release.product.slug, release.version]) in html


def test_a_product_awards_page_shows_only_that_product(client):
    ours, theirs = frozen_week(), frozen_week()
    with time_machine.travel(AFTER, tick=False):
        html = client.get(reverse("feedback:product_awards", args=[ours.product.slug])).content.decode()
    assert award_url(ours) in html and award_url(theirs) not in html


def test_an_earlier_season_is_one_click_away_and_a_bad_one_means_this_one(client):
    frozen_week()
    with time_machine.travel(AFTER, tick=False):
        earlier = client.get(reverse("feedback:awards") + "?season=2026Q3").content.decode()
        bad = client.get(reverse("feedback:awards") + "?season=<script>").content.decode()
    assert "No awards in this season yet." in earlier
    assert "Awards of Q4 2026" in bad and "<script>" not in bad.split("<main")[1]


@pytest.mark.parametrize("weeks", [1, 6])
def test_the_awards_page_queries_do_not_grow_with_the_weeks(client, weeks, django_assert_num_queries):
    for week in range(weeks):
        frozen_week(engineers=[make_engineer(), make_engineer()], publish_at=FRIDAY - timedelta(weeks=week))
    # count, results+releases+products+items, their awards+engineers, season table, open windows
    with time_machine.travel(AFTER, tick=False), django_assert_num_queries(5):
        assert client.get(reverse("feedback:awards")).status_code == 200


def test_the_result_page_queries(client, django_assert_num_queries):
    release = frozen_week(engineers=[make_engineer(), make_engineer()], items=15)
    # release+product, tally+item, top items, moods, ideas+threads, winners+engineers
    with time_machine.travel(AFTER, tick=False), django_assert_num_queries(6):
        assert client.get(award_url(release)).status_code == 200


def test_an_engineers_profile_shows_their_awards_and_how_their_work_was_received(client):
    zhou = make_engineer(username="zhou")
    release = frozen_week(engineers=[zhou])
    items = items_of(release)
    html = client.get(reverse("profile", args=["zhou"])).content.decode()
    assert "Popcorn Awards" in html and f'🍿 <a href="{award_url(release)}" dir="auto">{items[1].title}</a>' in html
    assert "#1 of 3: loved most by 2, weakest for 0" in html
    assert "#3 of 3: loved most by 0, weakest for 1" in html  # items[0]


def test_a_profile_shows_no_live_result(client):
    zhou = make_engineer(username="zhou")
    release = published_release(engineers=[zhou])
    submit(release, UserFactory())
    html = client.get(reverse("profile", args=["zhou"])).content.decode()
    assert "popcorn-record" not in html and "loved most by" not in html


def test_a_fan_who_shipped_nothing_has_no_awards_section(client):
    UserFactory(username="ada")
    assert "popcorn-record" not in client.get(reverse("profile", args=["ada"])).content.decode()


@pytest.mark.parametrize("weeks", [1, 4])
def test_the_profile_record_costs_two_queries_however_many_weeks(client, weeks, django_assert_num_queries):
    zhou = make_engineer(username="zhou")
    for week in range(weeks):
        frozen_week(engineers=[zhou], publish_at=FRIDAY - timedelta(weeks=week))
    # user (with standing) + groups, shipped items (releases), items received + awards (voting), medals (honour)
    with django_assert_num_queries(6):
        html = client.get(reverse("profile", args=["zhou"])).content.decode()
    assert html.count("🍿 <a") == 2 * weeks  # each award, and its item among those received


def test_a_weekly_release_whose_window_closed_unopened_says_so(client, in_english):
    release = published_release()
    with time_machine.travel(CLOSES + timedelta(days=2), tick=False):
        html = client.get(award_url(release)).content.decode()
    assert "takes no four-cell reports" not in html and "The report window closed on" in html


def test_the_live_standings_cost_seven_queries_however_many_reports(django_assert_num_queries):
    release = published_release(items=5)
    for _ in range(4):
        submit(release, UserFactory())
    # count, loved, weakest, moods, ideas (GROUP BYs), items, the ideas picked with their threads
    with django_assert_num_queries(7):
        tally.live_standings(release)
