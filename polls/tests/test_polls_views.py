"""Poll pages and the polls box on thread pages: who may do what, bad input as 4xx with a message,
the box's fixed query count, and anonymous cached pages that follow the poll."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser, Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.tests.factories import make_thread
from ideas.tests.factories import make_idea, make_pm
from polls import polling
from polls.models import Ballot, Poll
from polls.panel import poll_panel
from polls.tests.test_polls import answer, counts, idea_in_ideas_board, open_test_poll, options_of

pytestmark = pytest.mark.django_db


def new_poll_url(thread):
    return reverse("polls:new", args=[thread.pk])


def answer_url(poll):
    return reverse("polls:answer", args=[poll.pk])


def close_url(poll):
    return reverse("polls:close", args=[poll.pk])


def poll_form(**changes):
    data = {
        "question": "Which of these next Friday?",
        "choice": "single",
        "results": "live",
        "closes_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "labels": "Dark mode\nBigger font\n",
    }
    data.update(changes)
    return data


def staff_only_thread():
    """A thread in an ideas board only moderators may read, with a poll."""
    thread = idea_in_ideas_board().thread
    open_test_poll(thread=thread)
    thread.board.read_roles.set([Group.objects.get(name=Role.MODERATOR.value)])
    return thread


# --- Opening a poll ----------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_to_open_a_poll(client):
    thread = idea_in_ideas_board().thread
    response = client.get(new_poll_url(thread))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_fan_may_not_open_a_poll(client, fan, method):
    thread = idea_in_ideas_board().thread
    response = getattr(client, method)(new_poll_url(thread), poll_form())
    assert response.status_code == 403
    assert not Poll.objects.exists()


def test_no_poll_page_outside_ideas_boards(client):
    client.force_login(make_pm())
    assert client.get(new_poll_url(make_thread())).status_code == 404


def test_no_poll_page_in_a_board_the_product_manager_cannot_read(client):
    thread = staff_only_thread()
    client.force_login(make_pm())
    assert client.get(new_poll_url(thread)).status_code == 404


def test_the_open_page_offers_upcoming_ideas_of_the_product(client, in_english):
    idea = idea_in_ideas_board()
    candidate = make_idea(product=idea.product, title="Night mode for the camera")
    other = make_idea(title="Someone else's phone")
    client.force_login(make_pm())
    page = client.get(new_poll_url(idea.thread)).content.decode()
    assert "<bdi>Night mode for the camera</bdi>" in page and other.thread.title not in page
    assert f'value="{candidate.pk}"' in page


def test_a_product_manager_opens_a_poll_with_ideas_and_text_answers(client, in_english):
    idea = idea_in_ideas_board()
    candidate = make_idea(product=idea.product, title="Night mode for the camera")
    client.force_login(make_pm())
    response = client.post(new_poll_url(idea.thread), poll_form(ideas=[candidate.pk], labels="Neither\n\n"))
    poll = Poll.objects.get()
    assert response.status_code == 302 and response.url == f"{idea.thread.get_absolute_url()}#poll-{poll.pk}"
    assert [(option.label, option.idea_id) for option in options_of(poll)] == [
        ("Night mode for the camera", candidate.pk),
        ("Neither", None),
    ]


def test_the_closing_time_is_read_in_the_users_time_zone(client):
    pm = make_pm(time_zone="America/New_York")
    client.force_login(pm)
    thread = idea_in_ideas_board().thread
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        response = client.post(new_poll_url(thread), poll_form(closes_at="2026-07-03T09:30"))
    assert response.status_code == 302
    # 09:30 in New York in July (EDT, UTC-4) is 13:30 UTC.
    assert Poll.objects.get().closes_at == datetime(2026, 7, 3, 13, 30, tzinfo=ZoneInfo("UTC"))


def test_a_refused_poll_comes_back_as_a_form_error_and_nothing_is_written(client, in_english):
    client.force_login(make_pm())
    thread = idea_in_ideas_board().thread
    response = client.post(new_poll_url(thread), poll_form(labels="Only one"))
    assert response.status_code == 400
    assert "A poll needs 2 to 10 answers" in response.content.decode()
    assert "Only one" in response.content.decode()  # the text is kept
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [{"closes_at": "tomorrow"}, {"choice": "several"}, {"ideas": ["abc"]}, {"question": ""}, {"labels": "x" * 2000}],
)
def test_malformed_poll_forms_are_400(client, changes):
    client.force_login(make_pm())
    thread = idea_in_ideas_board().thread
    assert client.post(new_poll_url(thread), poll_form(**changes)).status_code == 400
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"question": "Which \u202eone?"}, "question"),
        ({"question": "\u200b\u200b\u200b"}, "question"),
        ({"labels": "Dark mode\nBig\u2066ger font\n"}, "labels"),
        ({"labels": "Dark mode\n\u2800\u2800\n"}, "labels"),
        ({"labels": "Dark mode\u2028Bigger font"}, "labels"),  # a line separator is refused, not obeyed
    ],
)
def test_poll_questions_and_answers_with_invisible_characters_are_refused(client, in_english, changes, field):
    client.force_login(make_pm())
    thread = idea_in_ideas_board().thread
    response = client.post(new_poll_url(thread), poll_form(**changes))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Poll.objects.exists()


def test_a_refused_answer_names_its_line(client, in_english):
    client.force_login(make_pm())
    thread = idea_in_ideas_board().thread
    response = client.post(new_poll_url(thread), poll_form(labels="Dark mode\n\nBig\u202eger font"))
    assert response.context["form"].errors["labels"] == [
        "Line 3: Invisible, control or text-direction characters are not allowed."
    ]


# --- Answering ---------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_to_answer(client):
    poll = open_test_poll()
    response = client.post(answer_url(poll), {"option": options_of(poll)[0].pk})
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not Ballot.objects.exists()


def test_a_fan_answers_and_goes_back_to_the_thread_with_a_message(client, fan, in_english):
    poll = open_test_poll()
    response = client.post(answer_url(poll), {"option": options_of(poll)[1].pk}, follow=True)
    assert response.redirect_chain[-1][0] == f"{poll.thread.get_absolute_url()}#poll-{poll.pk}"
    page = response.content.decode()
    assert "your answer is in" in page and "You answered:" in page
    assert counts(poll) == (1, [0, 1], 1, 1)


def test_answering_with_htmx_returns_the_poll_box(client, fan, in_english):
    poll = open_test_poll(results="live")
    response = client.post(answer_url(poll), {"option": options_of(poll)[0].pk}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<article class="poll" id="poll-{poll.pk}"')
    assert "You answered:" in page and "1 vote · 100%" in page


def test_a_refusal_with_htmx_shows_in_the_box(client, fan, in_english):
    poll = open_test_poll()
    answer(poll, fan, "Dark mode")
    response = client.post(answer_url(poll), {"option": options_of(poll)[1].pk}, HTTP_HX_REQUEST="true")
    assert "You have already answered this poll." in response.content.decode()
    assert counts(poll) == (1, [1, 0], 1, 1)


@pytest.mark.parametrize("option", ["abc", "", "1.5", "9" * 30])
def test_an_answer_that_is_not_an_option_id_is_400_with_a_message(client, fan, in_english, option):
    poll = open_test_poll()
    response = client.post(answer_url(poll), {"option": option})
    assert response.status_code == 400
    assert "not an answer of this poll" in response.content.decode() or "Choose one answer" in (
        response.content.decode()
    )
    assert not Ballot.objects.exists()


def test_another_polls_answer_is_400_with_a_message(client, fan, in_english):
    poll, other = open_test_poll(), open_test_poll()
    response = client.post(answer_url(poll), {"option": options_of(other)[0].pk})
    assert response.status_code == 400
    assert "That is not an answer of this poll." in response.content.decode()
    assert not Ballot.objects.exists()


def test_an_answer_to_a_closed_poll_is_400_and_the_result_stands(client, fan, in_english):
    poll = open_test_poll()
    answer(poll, UserFactory(), "Dark mode")
    polling.close_poll(poll=poll)
    response = client.post(answer_url(poll), {"option": options_of(poll)[1].pk})
    assert response.status_code == 400
    assert "This poll has closed" in response.content.decode()
    assert counts(poll) == (1, [1, 0], 1, 1)


def test_a_second_answer_is_400(client, fan, in_english):
    poll = open_test_poll()
    answer(poll, fan, "Dark mode")
    response = client.post(answer_url(poll), {"option": options_of(poll)[1].pk})
    assert response.status_code == 400 and "already answered" in response.content.decode()


def test_an_unknown_poll_is_404(client, fan):
    assert client.post(reverse("polls:answer", args=[999999]), {"option": "1"}).status_code == 404


def test_a_poll_in_a_board_the_fan_cannot_read_is_404(client, fan):
    poll = Poll.objects.get(thread=staff_only_thread())
    assert client.post(answer_url(poll), {"option": options_of(poll)[0].pk}).status_code == 404
    assert client.get(close_url(poll)).status_code == 404
    assert not Ballot.objects.exists()


def test_answering_needs_post(client, fan):
    assert client.get(answer_url(open_test_poll())).status_code == 405


# --- Closing early -------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_to_close(client):
    poll = open_test_poll()
    response = client.post(close_url(poll))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_fan_may_not_close_a_poll(client, fan, method):
    poll = open_test_poll()
    assert getattr(client, method)(close_url(poll)).status_code == 403
    assert Poll.objects.get(pk=poll.pk).closed_at is None


def test_closing_asks_first_then_closes_and_posts_the_result(client, in_english):
    pm = make_pm()
    poll = open_test_poll(by=pm)
    client.force_login(pm)
    question = client.get(close_url(poll))
    assert question.status_code == 200 and "Close the poll “<bdi>Which of these next Friday?</bdi>” now" in (
        question.content.decode()
    )
    assert Poll.objects.get(pk=poll.pk).closed_at is None
    response = client.post(close_url(poll))
    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.closed_at is not None and poll.result_post is not None


def test_closing_a_closed_poll_is_409_with_a_message(client, in_english):
    pm = make_pm()
    poll = open_test_poll(by=pm)
    polling.close_poll(poll=poll)
    client.force_login(pm)
    response = client.post(close_url(poll))
    assert response.status_code == 409 and "closed already" in response.content.decode()


def test_closing_an_unknown_poll_is_404(client):
    client.force_login(make_pm())
    assert client.post(reverse("polls:close", args=[999999])).status_code == 404


# --- The box on the thread page ------------------------------------------------------


def panel_for(user, thread):
    request = RequestFactory().get(thread.get_absolute_url())
    request.user = user
    return poll_panel(request, thread)


def thread_with_polls(number, answers):
    thread = idea_in_ideas_board().thread
    for n in range(number):
        open_test_poll(
            thread=thread, labels=[f"Answer {k}" for k in range(answers)], question=f"Poll {n}?", results="live"
        )
    return type(thread).objects.select_related("board").get(pk=thread.pk)  # as the thread page has it


@pytest.mark.parametrize(("viewer", "queries"), [("visitor", 2), ("fan", 3), ("pm", 3)])
@pytest.mark.parametrize(("number", "answers"), [(1, 2), (4, 10)])
def test_the_box_runs_a_fixed_number_of_queries(django_assert_num_queries, viewer, queries, number, answers):
    thread = thread_with_polls(number, answers)
    user = {"visitor": AnonymousUser, "fan": UserFactory, "pm": make_pm}[viewer]()
    user.has_perm("warm up")  # the thread page has read the viewer's permissions already
    for poll in Poll.objects.filter(thread=thread)[:2]:
        if user.is_authenticated:
            polling.cast_ballot(poll=poll, user=user, option_ids=[options_of(poll)[0].pk])
    # polls, their answers (with ideas), the viewer's ballots
    with django_assert_num_queries(queries):
        html = panel_for(user, thread)
    assert html.count('class="poll') >= number


def test_the_box_costs_no_query_outside_ideas_boards(django_assert_num_queries):
    thread = make_thread()
    thread = type(thread).objects.select_related("board").get(pk=thread.pk)
    pm = make_pm()
    with django_assert_num_queries(0):
        assert panel_for(pm, thread) is None


def test_no_box_for_fans_in_a_thread_without_polls():
    assert panel_for(UserFactory(), idea_in_ideas_board().thread) is None


def test_product_managers_see_the_link_to_open_a_poll(in_english):
    thread = idea_in_ideas_board().thread
    assert "Open a poll" in panel_for(make_pm(), thread)
    open_test_poll(thread=thread)
    assert "Open a poll" not in panel_for(UserFactory(), thread)


def test_a_fan_sees_radio_buttons_then_what_they_answered(in_english):
    poll, fan = open_test_poll(), UserFactory()
    html = panel_for(fan, poll.thread)
    assert html.count('type="radio"') == 2 and "Closes in 1" in html
    answer(poll, fan, "Bigger font")
    html = panel_for(fan, poll.thread)
    assert 'type="radio"' not in html and "You answered:" in html and '<strong dir="auto">Bigger font</strong>' in html


def test_a_multiple_answer_poll_has_checkboxes(in_english):
    poll = open_test_poll(choice="multiple")
    assert panel_for(UserFactory(), poll.thread).count('type="checkbox"') == 2


def test_hidden_results_are_hidden_from_fans_and_shown_to_product_managers(in_english):
    poll = open_test_poll(results="after_close")
    answer(poll, UserFactory(), "Dark mode")
    fan_html = panel_for(UserFactory(), poll.thread)
    assert "Results are shown when the poll closes." in fan_html and "<progress" not in fan_html
    pm_html = panel_for(make_pm(), poll.thread)
    assert "Results hidden from fans until the poll closes" in pm_html and 'value="100"' in pm_html


def test_live_results_show_as_bars(in_english):
    poll = open_test_poll(results="live", labels=["A", "B", "C"])
    answer(poll, UserFactory(), "A")
    answer(poll, UserFactory(), "A")
    answer(poll, UserFactory(), "C")
    html = panel_for(AnonymousUser(), poll.thread)
    assert '<progress class="poll-bar" max="100" value="67">' in html
    assert '<progress class="poll-bar" max="100" value="33">' in html
    assert "Sign in to answer" in html


def test_a_closed_poll_shows_its_result_and_winner_to_everyone(in_english):
    poll = open_test_poll(results="after_close")
    answer(poll, UserFactory(), "Bigger font")
    polling.close_poll(poll=poll)
    html = panel_for(AnonymousUser(), poll.thread)
    assert "Closed " in html and "Winner" in html and 'value="100"' in html
    assert "Sign in to answer" not in html


def test_the_closing_time_is_shown_in_the_viewers_time_zone(in_english):
    thread = idea_in_ideas_board().thread
    with time_machine.travel(datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        polling.open_poll(
            thread=thread,
            by=make_pm(),
            question="When?",
            choice="single",
            results="live",
            closes_at=datetime(2026, 7, 3, 13, 30, tzinfo=ZoneInfo("UTC")),
            labels=["A", "B"],
        )
        with timezone.override(ZoneInfo("America/New_York")):
            html = panel_for(UserFactory(), thread)
    assert "Closes in 2\xa0days, 1\xa0hour" in html and "07/03/2026 09:30" in html


# --- The thread page, cached for visitors ------------------------------------------------


def test_the_thread_page_shows_the_poll_after_the_idea_box(client, in_english):
    poll = open_test_poll(results="live")
    page = client.get(poll.thread.get_absolute_url()).content.decode()
    assert page.index('id="idea"') < page.index(f'id="poll-{poll.pk}"')


def test_visitors_see_a_live_ballot_and_the_close_at_once(client, django_capture_on_commit_callbacks, in_english):
    poll = open_test_poll(results="live")
    assert "0 votes · 0%" in client.get(poll.thread.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer(poll, UserFactory(), "Dark mode")
    assert "1 vote · 100%" in client.get(poll.thread.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        polling.close_poll(poll=poll)
    assert "Winner" in client.get(poll.thread.get_absolute_url()).content.decode()


def test_a_thread_with_a_poll_is_still_served_from_the_cache_to_visitors(client, django_assert_num_queries):
    poll = open_test_poll()
    first = client.get(poll.thread.get_absolute_url())
    with django_assert_num_queries(1):  # the thread's entry (forum.access)
        second = client.get(poll.thread.get_absolute_url())
    assert second.content == first.content and f'id="poll-{poll.pk}"' in first.content.decode()


def test_visitors_see_a_new_poll_at_once(client, django_capture_on_commit_callbacks):
    thread = idea_in_ideas_board().thread
    client.get(thread.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        poll = open_test_poll(thread=thread)
    assert f'id="poll-{poll.pk}"' in client.get(thread.get_absolute_url()).content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_thread_page_query_count_does_not_grow_with_polls(client, signed_in):
    from forum.tests.test_page_queries import count_queries

    if signed_in:
        client.force_login(UserFactory())
    small, large = thread_with_polls(1, 2), thread_with_polls(4, 10)
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())


# --- The admin ----------------------------------------------------------------------------


def test_the_admin_shows_polls_read_only(admin_client):
    poll = open_test_poll()
    assert admin_client.get(reverse("admin:polls_poll_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:polls_poll_change", args=[poll.pk]))
    assert page.status_code == 200 and 'name="question"' not in page.content.decode()
    assert admin_client.get(reverse("admin:polls_poll_add")).status_code == 403
