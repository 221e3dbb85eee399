import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import Role, ensure_roles


@pytest.mark.django_db(transaction=True)
def test_roles_come_back_after_a_flush():
    call_command("flush", "--noinput")  # what every transactional test ends with
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    assert Group.objects.get(name=Role.MODERATOR.value).permissions.filter(codename="moderate_forum").exists()


@pytest.mark.django_db
def test_ensure_roles_leaves_staff_changes_alone():
    moderators = Group.objects.get(name=Role.MODERATOR.value)
    moderators.permissions.clear()
    ensure_roles()
    assert not moderators.permissions.exists()
