"""Who may read and moderate, as the page builders read it (forum.access)."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import UserFactory
from forum import access

pytestmark = pytest.mark.django_db


def people() -> dict[str, User]:
    moderate = Permission.objects.get(codename="moderate_forum", content_type__app_label="accounts")
    direct = UserFactory()
    direct.user_permissions.add(moderate)
    return {
        "fan": UserFactory(),
        "engineer": UserFactory(roles=[Role.ENGINEER]),
        "moderator": UserFactory(roles=[Role.MODERATOR, Role.FAN]),
        "admin": UserFactory(roles=[Role.ADMIN]),
        "given the permission": direct,
        "superuser": UserFactory(is_superuser=True),
        "inactive moderator": UserFactory(roles=[Role.MODERATOR], is_active=False),
    }


KINDS = ("fan", "engineer", "moderator", "admin", "given the permission", "superuser", "inactive moderator")


@pytest.mark.parametrize("kind", KINDS)
def test_reading_roles_in_one_query_agrees_with_djangos_permissions(kind, django_assert_num_queries):
    person = people()[kind]
    expected = ({group.pk for group in person.groups.all()}, person.has_perm("accounts.moderate_forum"))
    fresh = User.objects.get(pk=person.pk)
    with django_assert_num_queries(1):
        assert access.read_roles(fresh) == expected
    with django_assert_num_queries(0):  # kept on the user, as role_ids and is_moderator keep theirs
        assert (access.role_ids(fresh), access.is_moderator(fresh)) == expected


def test_the_moderators_are_told_apart_from_the_rest():
    # The comparison above must be able to fail: the kinds hold both answers.
    answers = {kind: access.read_roles(person)[1] for kind, person in people().items()}
    assert answers == {
        "fan": False,
        "engineer": False,
        "moderator": True,
        "admin": True,
        "given the permission": True,
        "superuser": True,
        "inactive moderator": False,
    }


def test_a_post_is_reached_in_two_queries_and_refused_where_its_thread_would_be(django_assert_num_queries):
    """access_post (every like, edit and permalink) decides on the thread's entry, as thread pages do."""
    from django.contrib.auth.models import Group
    from django.http import Http404

    from forum.models import Post, Thread
    from forum.tests.factories import BoardFactory, make_thread

    fans = people()
    post = make_thread().posts.get()
    with django_assert_num_queries(2):  # the post with its thread, the thread's entry
        assert access.access_post(fans["fan"], post.pk) == post
    staff = Group.objects.get(name=Role.ENGINEER)
    private = make_thread(board=BoardFactory(read_roles=[staff]), author=fans["engineer"]).posts.get()
    hidden_thread = make_thread().posts.get()
    Thread.objects.filter(pk=hidden_thread.thread_id).update(hidden=True)
    hidden_post = make_thread(replies=1).posts.order_by("floor").last()
    Post.objects.filter(pk=hidden_post.pk).update(hidden=True)
    for kind, may in {
        "fan": set(),
        "engineer": {private},
        "moderator": {hidden_thread, hidden_post},
        "superuser": {private, hidden_thread, hidden_post},
    }.items():
        for each in (private, hidden_thread, hidden_post):
            if each in may:
                assert access.access_post(fans[kind], each.pk) == each
            else:
                with pytest.raises(Http404):
                    access.access_post(fans[kind], each.pk)


def test_a_thread_is_reached_in_two_queries_without_its_boards_start_roles(django_assert_num_queries):
    """access_thread (every reply, follow, moderation and vote in a thread) reads the thread with its board,
    then the board's read roles; who may start a thread there is not asked on a thread."""
    from forum.tests.factories import make_thread

    thread, fan = make_thread(), UserFactory()
    with django_assert_num_queries(2):
        found = access.access_thread(fan, thread.pk)
        assert found == thread and found.board.name
