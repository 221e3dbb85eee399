import pytest
from django.contrib.auth.models import Group

from accounts.roles import Role, badge_of
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        (Role.FAN, [], ["accounts.moderate_forum", "accounts.be_credited_engineer", "accounts.publish_releases"]),
        (Role.ENGINEER, ["accounts.be_credited_engineer"], ["accounts.moderate_forum"]),
        (Role.PRODUCT_MANAGER, ["accounts.read_feedback", "accounts.manage_ideas"], ["accounts.publish_releases"]),
        (Role.MODERATOR, ["accounts.moderate_forum", "accounts.view_user"], ["accounts.change_user"]),
        (Role.ADMIN, ["accounts.publish_releases", "accounts.change_user", "accounts.moderate_forum"], []),
    ],
)
def test_roles_carry_their_permissions(role, allowed, refused):
    user = UserFactory(roles=[role])
    for perm in allowed:
        assert user.has_perm(perm), perm
    for perm in refused:
        assert not user.has_perm(perm), perm


def test_the_badge_is_the_highest_role():
    assert badge_of(UserFactory()) == Role.FAN
    assert badge_of(UserFactory(roles=[Role.ENGINEER])) == Role.ENGINEER
    assert badge_of(UserFactory(roles=[Role.ENGINEER, Role.MODERATOR])) == Role.MODERATOR


def test_staff_change_roles_in_the_admin(client):
    admin = UserFactory(username="boss", is_staff=True, roles=[Role.ADMIN])
    fan = UserFactory(username="someone")
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{fan.pk}/change/")
    assert page.status_code == 200
    assert 'name="groups"' in page.content.decode()
