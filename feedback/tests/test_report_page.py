"""The report page: one phone screen, a plain form (no JavaScript needed), every refusal a 400 with
its message and nothing written, no live result for fans."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.tests.factories import UserFactory
from feedback.models import WHY_MAX, Report
from feedback.tests.reporting import CLOSES, SATURDAY, items_of, published_release, submit, upcoming_idea
from ideas.tests.factories import make_pm
from releases.models import Release
from releases.tests.factories import make_engineer, make_release

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def _saturday():
    with time_machine.travel(SATURDAY, tick=False):
        yield


@pytest.fixture
def release():
    return published_release(items=3)


@pytest.fixture
def idea(release):
    return upcoming_idea(release.product)


def url(release):
    return reverse("feedback:report", args=[release.product.slug, release.version])


def form_data(release, idea, *, loved=0, weakest=1, mood="happy", **extra):
    items = items_of(release)
    return {"mood": mood, "loved": items[loved].pk, "weakest": items[weakest].pk, "awaited": idea.pk, **extra}


def test_the_page_offers_the_four_cells_as_a_plain_form(client, fan, release, idea):
    html = client.get(url(release)).content.decode()
    assert '<form method="post" class="report-form">' in html
    for mood in Report.Mood.values:
        assert f'type="radio" name="mood" value="{mood}"' in html
    for item in items_of(release):
        assert f'<option value="{item.pk}">{item.title}</option>' in html
    assert f'<option value="{idea.pk}">{idea.thread.title}</option>' in html
    assert "<script" not in html.split("<main")[1]
    assert "Open until" in html


def test_submitting_saves_the_report_and_comes_back_to_the_page(client, fan, release, idea):
    response = client.post(url(release), form_data(release, idea, why_loved="Lovely."))
    assert response.status_code == 302 and response.url == url(release)
    report = Report.objects.get(release=release, fan=fan)
    assert (report.loved, report.why_loved) == (items_of(release)[0], "Lovely.")
    assert "Your report is saved" in client.get(url(release)).content.decode()


def test_the_page_shows_the_fans_report_to_change_it(client, fan, release, idea):
    client.post(url(release), form_data(release, idea, loved=2, weakest=0, mood="sad"))
    html = client.get(url(release)).content.decode()
    assert f'<option value="{items_of(release)[2].pk}" selected>' in html
    assert 'value="sad" id="id_mood_1" required checked' in html
    assert "Save my changes" in html


def test_a_double_submitted_form_is_one_report(client, fan, release, idea):
    data = form_data(release, idea)
    assert client.post(url(release), data).status_code == 302
    assert client.post(url(release), data).status_code == 302
    assert Report.objects.filter(release=release, fan=fan).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mood": "ecstatic"}, "Choose one of the four moods"),
        ({"mood": ""}, "Choose your mood."),
        ({"loved": ""}, "Choose the update you love most."),
        ({"loved": "not-a-number"}, "That update is not part of this release"),
        ({"weakest": "999999"}, "That update is not part of this release"),
        ({"awaited": "999999"}, "Choose one of the upcoming ideas in the list."),
        ({"why_mood": "x" * (WHY_MAX + 1)}, f"Keep each “why” to {WHY_MAX} characters."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, fan, release, idea, change, message):
    response = client.post(url(release), {**form_data(release, idea), **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_an_item_of_another_release_is_refused(client, fan, release, idea):
    other = published_release(product=release.product, publish_at=release.published_at - timedelta(days=7))
    response = client.post(url(release), {**form_data(release, idea), "loved": items_of(other)[0].pk})
    assert response.status_code == 400 and "That update is not part of this release" in response.content.decode()
    assert not Report.objects.exists()


def test_the_same_item_twice_is_refused(client, fan, release, idea):
    response = client.post(url(release), form_data(release, idea, loved=1, weakest=1))
    assert response.status_code == 400 and "cannot also be the weakest" in response.content.decode()
    assert not Report.objects.exists()


def test_an_engineer_sees_their_own_items_disabled_and_may_not_post_them(client, idea):
    zhou = make_engineer()
    release = published_release(items=2, engineers=[zhou])
    idea = upcoming_idea(release.product)
    client.force_login(zhou)
    html = client.get(url(release)).content.decode()
    assert f'<option value="{items_of(release)[0].pk}" disabled>' in html and "(your work)" in html
    response = client.post(url(release), form_data(release, idea))
    assert response.status_code == 400 and "engineers may not pick their own work" in response.content.decode()
    assert not Report.objects.exists()


def test_an_unverified_account_is_told_why_and_refused(client, fan, release, idea):
    EmailAddress.objects.filter(user=fan).update(verified=False)
    assert "Verify your e-mail address" in client.get(url(release)).content.decode()
    response = client.post(url(release), form_data(release, idea))
    assert response.status_code == 400 and "Verify your e-mail address" in response.content.decode()
    assert not Report.objects.exists()


def test_a_report_after_the_window_closed_is_refused(client, fan, release, idea):
    client.get(url(release))  # the window opens
    with time_machine.travel(CLOSES, tick=False):
        response = client.post(url(release), form_data(release, idea))
        assert "The report window closed" in client.get(url(release)).content.decode()
    assert response.status_code == 400 and "closed on" in response.content.decode()
    assert not Report.objects.exists()


def test_signing_in_is_needed(client, release):
    response = client.get(url(release))
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert client.post(url(release), {}).status_code == 302 and not Report.objects.exists()


def test_a_draft_release_does_not_exist_for_fans(client, fan):
    draft = make_release(items=2)
    assert client.get(url(draft)).status_code == 404


def test_an_unknown_version_is_404(client, fan, release):
    assert client.get(reverse("feedback:report", args=[release.product.slug, "9.9.9"])).status_code == 404


def test_a_stable_release_takes_no_reports(client, fan):
    stable = published_release(channel=Release.Channel.STABLE)
    html = client.get(url(stable)).content.decode()
    assert "takes no four-cell reports" in html and "report-form" not in html


def test_fans_see_no_live_result_during_the_window(client, fan, release, idea):
    submit(release, UserFactory(), idea=idea)
    html = client.get(url(release)).content.decode()
    assert "Live standings" not in html and "shown when the window closes" in html


def test_product_managers_see_the_live_standings(client, release, idea):
    submit(release, UserFactory(), idea=idea)
    client.force_login(make_pm())
    html = client.get(url(release)).content.decode()
    assert "Live standings" in html and "1 report" in html


@pytest.mark.parametrize("items", [1, 20])
def test_the_page_queries_do_not_grow_with_the_release(client, fan, items, django_assert_num_queries, settings):
    release = published_release(items=max(items, 2))
    upcoming_idea(release.product)
    client.get(url(release))  # the window opens (made once)
    submit(release, fan)
    # session (unless cached, with Redis), release+product, tally, the fan's report, items,
    # own items, ideas+threads, verified address, the fan's permissions (user, groups); the user is
    # kept in the cache (accounts.usercache)
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    with django_assert_num_queries(9 + session):
        assert client.get(url(release)).status_code == 200


def test_the_closing_time_is_shown_in_the_fans_time_zone(client, release, idea):
    client.force_login(UserFactory(time_zone="America/New_York", language="en"))
    html = client.get(url(release)).content.decode()
    # Tuesday 23:59:59 in Beijing is 10:59:59 the same morning in New York (EST, UTC-5).
    assert "Open until Nov. 24, 2026, 10:59" in html
