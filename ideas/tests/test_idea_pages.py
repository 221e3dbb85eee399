"""The ideas pages: lists, roadmap, proposing with similar suggestions, voting, statuses, the idea box."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum.models import Thread
from forum.tests.factories import BoardFactory, make_thread
from ideas import statuses
from ideas.models import Idea, IdeaVote, StatusChange
from ideas.tests.factories import ideas_product, make_pm, propose
from releases.tests.factories import FeatureAreaFactory, ProductFactory, make_engineer, make_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ideas_product(name="MIUI", slug="miui")


def list_url(product, **query):
    from urllib.parse import urlencode

    return reverse("ideas:list", args=[product.slug]) + ("?" + urlencode(query) if query else "")


def titles(response):
    """The idea titles of a list page, in order."""
    import re

    return re.findall(r'class="thread-title" href="[^"]+" dir="auto">([^<]+)</a>', response.content.decode())


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Lists


def test_the_list_sorts_by_votes_trend_and_age(client, product):
    voters = [UserFactory() for _ in range(3)]
    older = propose(product, title="Older but popular", votes=voters)
    IdeaVote.objects.filter(idea=older).update(created_at=timezone.now() - timedelta(days=5))
    newer = propose(product, title="Newer with one vote", votes=voters[:1])
    Idea.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=6))
    from ideas import trending

    trending.refresh_trending()
    assert titles(client.get(list_url(product))) == [older.thread.title, newer.thread.title]
    assert titles(client.get(list_url(product, sort="trending"))) == [newer.thread.title, older.thread.title]
    assert titles(client.get(list_url(product, sort="new"))) == [newer.thread.title, older.thread.title]


def test_the_list_filters_by_status_and_area(client, product):
    camera = FeatureAreaFactory(product=product, name="Camera")
    in_camera = propose(product, title="Camera idea", area=camera)
    propose(product, title="Other idea")
    statuses.set_status(idea=in_camera, by=make_pm(), status=Idea.Status.UNDER_REVIEW)
    assert titles(client.get(list_url(product, status="under_review"))) == ["Camera idea"]
    assert titles(client.get(list_url(product, area=camera.pk))) == ["Camera idea"]


def test_merged_duplicates_are_left_out_unless_asked_for(client, product):
    kept = propose(product, title="Kept idea")
    merged = propose(product, title="Merged idea")
    statuses.merge_idea(idea=merged, into=kept, by=make_pm())
    assert titles(client.get(list_url(product))) == ["Kept idea"]
    assert titles(client.get(list_url(product, status="duplicate"))) == ["Merged idea"]


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "loudest"},
        {"status": "bogus"},
        {"area": "abc"},
        {"area": "999999"},
        {"page": "abc"},
        {"page": "-3"},
        {"page": "99999999999999999999"},
    ],
)
def test_nonsense_in_the_query_string_is_a_normal_page(client, product, query):
    propose(product, title="Only idea")
    response = client.get(list_url(product, **query))
    assert response.status_code == 200


def test_pages_go_on_while_there_are_more(client, product):
    for number in range(21):
        propose(product, title=f"Idea {number:02d}")
    first = client.get(list_url(product, sort="new"))
    assert first.context["has_next"] and len(titles(first)) == 20
    second = client.get(list_url(product, sort="new", page=2))
    assert titles(second) == ["Idea 00"] and not second.context["has_next"]
    assert 'href="?sort=new&amp;page=2"' in first.content.decode()


def test_a_product_without_an_ideas_board_has_no_ideas_pages(client):
    product = ProductFactory()
    assert client.get(list_url(product)).status_code == 404
    assert client.get(reverse("ideas:roadmap", args=[product.slug])).status_code == 404


def test_an_ideas_board_readers_may_not_see_is_404(client, product):
    product.ideas_board.read_roles.set([Group.objects.get(name=Role.PRODUCT_MANAGER.value)])
    assert client.get(list_url(product)).status_code == 404
    client.force_login(make_pm())
    assert client.get(list_url(product)).status_code == 200


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_list_runs_a_fixed_number_of_queries(client, product, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    other = ideas_product()
    propose(other, title="Lonely idea", votes=[UserFactory()])
    voters = [UserFactory() for _ in range(3)]
    for number in range(15):
        propose(product, title=f"Crowded idea {number}", votes=voters, area=FeatureAreaFactory(product=product))
    assert count_queries(client, list_url(other)) == count_queries(client, list_url(product))


def test_the_list_queries_anonymous(client, product, django_assert_num_queries):
    for number in range(5):
        propose(product, title=f"Idea {number}")
    # product + board, board read roles, board start roles, ideas + threads + areas (the rows: cached
    # afterwards), their current counts and statuses, areas (the filter)
    with django_assert_num_queries(6):
        client.get(list_url(product))
    # Another anonymous visitor: the whole page from the cache.
    with django_assert_num_queries(0):
        client.get(list_url(product))


def test_the_list_queries_signed_in(client, product, fan, django_assert_num_queries, settings):
    propose(product, title="Idea")
    client.get(list_url(product))
    session = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    # session, product + board, read roles, start roles, counts, their votes: the user, the filters and
    # the rows come from the cache.
    with django_assert_num_queries(5 + session):
        client.get(list_url(product))


def test_cached_rows_show_each_readers_own_vote_and_fresh_counts(client, product, fan):
    idea = propose(product, title="Shared rows")
    client.get(list_url(product))  # the rows are cached now
    client.post(vote_url(idea))
    page = client.get(list_url(product)).content.decode()
    assert 'aria-pressed="true"' in page and "<strong>1</strong>" in page
    client.logout()
    page = client.get(list_url(product, sort="new")).content.decode()
    assert "aria-pressed" not in page and "Sign in to vote" in page and "<strong>1</strong>" in page


def test_anonymous_pages_are_shared_only_without_other_parameters(client, product):
    from ideas import voting

    idea = propose(product, title="First idea")
    client.get(list_url(product))
    voting.toggle_vote(idea=idea, user=UserFactory())
    assert "<strong>0</strong>" in client.get(list_url(product)).content.decode()  # shared, until it expires
    assert "<strong>1</strong>" in client.get(list_url(product, ref="mail")).content.decode()  # rendered now


def test_the_shared_rows_keep_only_the_filters_of_the_query_string(client, product):
    propose(product, title="Only idea")
    page = client.get(list_url(product, status="new", utm_source="spam")).content.decode()
    listed = page.split('<ol class="ideas">')[1].split("</ol>")[0]
    assert 'href="?sort=trending&amp;status=new"' in page and "spam" not in listed


def test_votes_shown_as_mine_on_the_list(client, product, fan):
    mine = propose(product, title="Mine", votes=[fan])
    other = propose(product, title="Not mine")
    page = client.get(list_url(product)).content.decode()
    assert f'id="vote-{mine.pk}"><span class="vote-count"><strong>1</strong>' in page
    assert re.search(rf'id="vote-{mine.pk}">.*?aria-pressed="true"', page)
    assert re.search(rf'id="vote-{other.pk}">.*?aria-pressed="false"', page)


# Roadmap


def test_the_roadmap_shows_planned_in_build_and_recently_shipped(client, product):
    pm = make_pm()
    engineer = make_engineer(username="lei")
    release = make_release(product=product, engineers=[engineer])
    planned = propose(product, title="Planned one")
    statuses.set_status(idea=planned, by=pm, status=Idea.Status.PLANNED, target_release=release)
    building = propose(product, title="Building one")
    statuses.set_status(idea=building, by=pm, status=Idea.Status.IN_BUILD, changelog_item=release.changelog.first())
    old = propose(product, title="Shipped long ago")
    Idea.objects.filter(pk=old.pk).update(
        status=Idea.Status.SHIPPED,
        changelog_item=release.changelog.first(),
        status_changed_at=timezone.now() - timedelta(days=40),
    )
    propose(product, title="Just new")
    response = client.get(reverse("ideas:roadmap", args=[product.slug]))
    columns = response.context["columns"]
    assert [idea.thread.title for idea in columns["planned"]] == ["Planned one"]
    assert [idea.thread.title for idea in columns["in_build"]] == ["Building one"]
    assert columns["shipped"] == []
    assert "lei" in response.content.decode()


def test_the_roadmap_runs_a_fixed_number_of_queries(client, product):
    pm = make_pm()
    small, large = ideas_product(), product
    for target, count in ((small, 1), (large, 6)):
        release = make_release(product=target, items=count, engineers=[make_engineer(), make_engineer()])
        for item in release.changelog.all():
            idea = propose(target, title=f"Idea for {item.title}")
            statuses.set_status(idea=idea, by=pm, status=Idea.Status.IN_BUILD, changelog_item=item)
    small_url, large_url = (reverse("ideas:roadmap", args=[p.slug]) for p in (small, large))
    assert count_queries(client, small_url) == count_queries(client, large_url)


# Proposing


def propose_url(product):
    return reverse("ideas:propose", args=[product.slug])


def idea_form(product, title="Dark mode for messages", **extra):
    area = product.areas.first() or FeatureAreaFactory(product=product)
    return {"title": title, "area": area.pk, "source": "Easier on the eyes at night."} | extra


def test_proposing_needs_signing_in(client, product):
    response = client.get(propose_url(product))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_fan_proposes_an_idea(client, product, fan):
    response = client.post(propose_url(product), idea_form(product))
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()
    assert idea.thread.board == product.ideas_board and idea.thread.author == fan


def test_similar_ideas_are_shown_before_anything_is_written(client, product, fan):
    existing = propose(product, title="Dark mode for messages")
    response = client.post(propose_url(product), idea_form(product, title="Messages in dark mode"))
    assert response.status_code == 200
    assert response.context["suggestions"] == [existing]
    assert Idea.objects.count() == 1 and Thread.objects.count() == 1
    # Posting again as shown (confirmed) goes on.
    response = client.post(propose_url(product), idea_form(product, title="Messages in dark mode", confirmed="on"))
    assert response.status_code == 302 and Idea.objects.count() == 2


def test_the_typed_title_gets_suggestions(client, product):
    existing = propose(product, title="深色模式")
    response = client.get(reverse("ideas:similar", args=[product.slug]), {"title": "希望增加深色模式"})
    assert response.context["similar"] == [existing]
    assert existing.get_absolute_url() in response.content.decode()
    assert client.get(reverse("ideas:similar", args=[product.slug]), {"title": "x" * 5000}).status_code == 200


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "abc"}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"source": ""}, "source"),
        ({"source": "x" * 20001}, "source"),
        ({"area": "camera"}, "area"),
    ],
)
def test_bad_ideas_are_refused_with_nothing_written(client, product, fan, change, field):
    response = client.post(propose_url(product), idea_form(product) | change)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Idea.objects.exists() and not Thread.objects.exists()


@pytest.mark.parametrize(
    "title, code",
    [
        ("Dark mode \u202eplease", "invisible_character"),
        ("\u3164\u3164\u3164\u3164\u3164", "blank"),
        ("Dark mode\x00", "null_characters_not_allowed"),
    ],
)
def test_ideas_with_invisible_or_direction_characters_in_the_title_are_refused(client, product, fan, title, code):
    response = client.post(propose_url(product), idea_form(product, title=title))
    assert response.status_code == 400 and response.context["form"].has_error("title", code)
    assert not Idea.objects.exists() and not Thread.objects.exists()


def test_an_area_of_another_product_is_not_a_choice(client, product, fan):
    foreign = FeatureAreaFactory(product=ProductFactory())
    response = client.post(propose_url(product), idea_form(product) | {"area": foreign.pk})
    assert response.status_code == 400 and "area" in response.context["form"].errors


def test_a_board_fans_may_not_start_threads_in_is_403(client, product, fan):
    product.ideas_board.start_roles.set([Group.objects.get(name=Role.PRODUCT_MANAGER.value)])
    assert client.get(propose_url(product)).status_code == 403
    assert client.post(propose_url(product), idea_form(product)).status_code == 403
    assert not Idea.objects.exists()


def test_proposing_too_fast_keeps_the_text(client, product, fan, settings):
    settings.FORUM_RATE_LIMITS = settings.FORUM_RATE_LIMITS | {"thread": "1/m"}
    client.post(propose_url(product), idea_form(product, title="First idea of mine"))
    response = client.post(propose_url(product), idea_form(product, title="Second idea, too soon"))
    assert response.status_code == 429 and "Retry-After" in response
    assert response.context["form"]["title"].value() == "Second idea, too soon"
    assert Idea.objects.count() == 1


def test_new_thread_in_an_ideas_board_leads_to_proposing(client, product, fan):
    response = client.get(reverse("forum:new_thread", args=[product.ideas_board.slug]), follow=True)
    assert response.redirect_chain[-1][0] == propose_url(product)
    assert (
        client.post(
            reverse("forum:new_thread", args=[product.ideas_board.slug]),
            {"title": "A thread, not an idea", "source": "Hello"},
        ).status_code
        == 302
    )
    assert not Thread.objects.exists()


# Voting


def vote_url(idea):
    return reverse("ideas:vote", args=[idea.pk])


def test_a_fan_votes_and_takes_it_back(client, product, fan):
    idea = propose(product, title="Vote on me")
    client.post(vote_url(idea), {"next": list_url(product)})
    assert Idea.objects.get(pk=idea.pk).vote_count == 1
    response = client.post(vote_url(idea))
    assert Idea.objects.get(pk=idea.pk).vote_count == 0
    assert response["Location"] == idea.get_absolute_url()


def test_voting_with_htmx_returns_the_button(client, product, fan):
    idea = propose(product, title="Vote on me")
    response = client.post(vote_url(idea), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode() and "<strong>1</strong>" in response.content.decode()


def test_a_vote_on_a_closed_idea_is_refused_with_a_message(client, product, fan):
    idea = propose(product, title="Declined one")
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.DECLINED, note="Not for us.")
    response = client.post(vote_url(idea), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "no longer takes votes" in response.content.decode()
    response = client.post(vote_url(idea), follow=True)
    assert "no longer takes votes" in response.content.decode()
    assert not IdeaVote.objects.exists()


def test_voting_needs_post_a_readable_idea_and_a_safe_way_back(client, product, fan):
    idea = propose(product, title="Vote on me")
    assert client.get(vote_url(idea)).status_code == 405
    assert client.post(reverse("ideas:vote", args=[999999])).status_code == 404
    response = client.post(vote_url(idea), {"next": "https://evil.example.com/"})
    assert response["Location"] == idea.get_absolute_url()
    Thread.objects.filter(pk=idea.thread_id).update(hidden=True)
    assert client.post(vote_url(idea)).status_code == 404


def test_anonymous_votes_go_to_sign_in(client, product):
    idea = propose(product, title="Vote on me")
    response = client.post(vote_url(idea))
    assert response.status_code == 302 and "login" in response["Location"] and not IdeaVote.objects.exists()


# Statuses


def status_url(idea):
    return reverse("ideas:status", args=[idea.pk])


def test_only_product_managers_change_statuses(client, product, fan):
    idea = propose(product, title="Status me")
    assert client.get(status_url(idea)).status_code == 403
    assert client.post(status_url(idea), {"seen": "new", "status": "under_review"}).status_code == 403
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.NEW


def test_a_product_manager_plans_an_idea_for_a_release(client, product):
    client.force_login(make_pm())
    idea = propose(product, title="Plan me")
    release = make_release(product=product)
    response = client.post(
        status_url(idea), {"seen": "new", "status": "planned", "target_release": release.pk, "note": "Coming soon."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.target_release, idea.status_note) == ("planned", release, "Coming soon.")


@pytest.mark.parametrize(
    "post, message",
    [
        ({"status": "declined"}, "Say why"),
        ({"status": "planned"}, "needs a target release"),
        ({"status": "shipped"}, "Select a valid choice"),
        ({"status": "duplicate"}, "Choose the idea this one duplicates."),
        ({"status": "duplicate", "merge_into": "999999"}, "Choose one of the ideas listed."),
        ({"status": "duplicate", "merge_into": "abc"}, "Choose one of the ideas listed."),
        ({"status": "under_review", "note": "x" * 501}, "at most 500"),
    ],
)
def test_bad_status_changes_are_refused_with_nothing_changed(client, product, post, message):
    client.force_login(make_pm())
    idea = propose(product, title="Status me")
    response = client.post(status_url(idea), {"seen": "new"} | post)
    assert response.status_code == 400 and message in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.NEW and not StatusChange.objects.exists()


def test_merging_into_itself_is_refused(client, product):
    client.force_login(make_pm())
    idea = propose(product, title="Status me")
    response = client.post(status_url(idea), {"seen": "new", "status": "duplicate", "merge_into": idea.pk})
    assert response.status_code == 400 and "Choose one of the ideas listed." in response.content.decode()


def test_a_change_made_meanwhile_is_not_overwritten(client, product):
    pm = make_pm()
    client.force_login(pm)
    idea = propose(product, title="Status me")
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.UNDER_REVIEW)
    response = client.post(status_url(idea), {"seen": "new", "status": "declined", "note": "No."})
    assert response.status_code == 400 and "changed meanwhile" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.UNDER_REVIEW


def test_a_product_manager_merges_a_duplicate(client, product):
    client.force_login(make_pm())
    kept, duplicate = propose(product, title="Kept"), propose(product, title="Duplicate", votes=[UserFactory()])
    response = client.post(status_url(duplicate), {"seen": "new", "status": "duplicate", "merge_into": kept.pk})
    assert response.status_code == 302
    assert Idea.objects.get(pk=kept.pk).vote_count == 1


# The idea box on the thread page


def test_the_idea_thread_shows_its_box_with_release_and_engineers(client, product):
    engineer = make_engineer(username="lei")
    release = make_release(product=product, engineers=[engineer])
    idea = propose(product, title="Box me", votes=[UserFactory(), UserFactory()])
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.IN_BUILD, changelog_item=release.changelog.first())
    page = client.get(idea.get_absolute_url()).content.decode()
    assert 'class="idea-panel' in page and "<strong>2</strong>" in page
    assert release.get_absolute_url() in page and engineer.get_absolute_url() in page


def test_an_ordinary_thread_costs_no_query_for_the_idea_box(client, django_assert_num_queries):
    thread = make_thread(board=BoardFactory())
    with django_assert_num_queries(4):  # as forum.tests.test_page_queries pins it
        response = client.get(thread.get_absolute_url())
    assert 'class="idea-panel' not in response.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_idea_box_costs_a_fixed_number_of_queries(client, product, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    pm = make_pm()
    plain = propose(product, title="Plain idea")
    busy = propose(product, title="Busy idea", votes=[UserFactory() for _ in range(3)])
    release = make_release(product=product, engineers=[make_engineer(), make_engineer()])
    statuses.set_status(idea=busy, by=pm, status=Idea.Status.UNDER_REVIEW, note="Looking.")
    statuses.set_status(idea=busy, by=pm, status=Idea.Status.IN_BUILD, changelog_item=release.changelog.first())
    assert count_queries(client, plain.get_absolute_url()) == count_queries(client, busy.get_absolute_url())


def test_a_vote_shows_at_once_on_the_cached_anonymous_page(client, product, django_capture_on_commit_callbacks):
    idea = propose(product, title="Cached idea")
    assert "<strong>0</strong>" in client.get(idea.get_absolute_url()).content.decode()
    from ideas import voting

    with django_capture_on_commit_callbacks(execute=True):
        voting.toggle_vote(idea=idea, user=UserFactory())
    assert "<strong>1</strong>" in client.get(idea.get_absolute_url()).content.decode()


def test_a_status_change_shows_at_once_on_the_cached_anonymous_page(
    client, product, django_capture_on_commit_callbacks
):
    idea = propose(product, title="Cached idea")
    assert "status-under_review" not in client.get(idea.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.UNDER_REVIEW)
    assert "status-under_review" in client.get(idea.get_absolute_url()).content.decode()


def test_product_managers_see_the_change_status_link(client, product, fan):
    idea = propose(product, title="Box me")
    assert status_url(idea) not in client.get(idea.get_absolute_url()).content.decode()
    client.force_login(make_pm())
    assert status_url(idea) in client.get(idea.get_absolute_url()).content.decode()


def test_the_way_back_in_each_vote_button_is_escaped(client, product, fan):
    propose(product, title="Escape me")
    page = client.get(list_url(product) + '?x="><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'name="next" value="/ideas/miui/?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"' in page


def test_the_idea_and_the_roadmap_show_how_many_fans_wait_for_it(client, product):
    release = make_release(product=product)
    idea = propose(product, title="Awaited")
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.PLANNED, target_release=release)
    Idea.objects.filter(pk=idea.pk).update(anticipation_count=7)  # as feedback.tally leaves it after a freeze
    assert "7 fans named it the feature they wait for" in client.get(idea.get_absolute_url()).content.decode()
    assert "7 waiting" in client.get(reverse("ideas:roadmap", args=[product.slug])).content.decode()


def test_the_admin_shows_an_idea_with_its_history_read_only(admin_client, product):
    idea = propose(product, title="In the admin")
    statuses.set_status(idea=idea, by=make_pm(), status=Idea.Status.UNDER_REVIEW, note="Looking at it.")
    page = admin_client.get(reverse("admin:ideas_idea_change", args=[idea.pk]))
    assert page.status_code == 200 and "Looking at it." in page.content.decode()
    assert 'name="status_changes-0-note"' not in page.content.decode()  # shown, not editable
