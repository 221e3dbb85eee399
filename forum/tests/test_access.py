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
