"""Roles: Fan, Engineer, Product manager, Moderator, Admin.

A role is a ``auth.Group`` of the same (English) name, created with its
permissions by migration ``accounts.0002_roles``; staff change a user's roles in
the admin. A user may hold several; the badge shows the highest.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Highest first: the badge is the first of these a user holds.
    ADMIN = "Admin", _("Admin")
    MODERATOR = "Moderator", _("Moderator")
    PRODUCT_MANAGER = "Product manager", _("Product manager")
    ENGINEER = "Engineer", _("Engineer")
    FAN = "Fan", _("Fan")


DEFAULT_ROLE = Role.FAN

# Which role holds which permission is set by migrations (accounts.0002_roles,
# and later apps' own migrations for their models), and changed by staff in
# the admin.

_RANK = {role.value: rank for rank, role in enumerate(Role)}


def badge_of(user) -> Role | None:
    """The user's highest role. Uses ``user.groups.all()``: prefetch it on lists."""
    names = [group.name for group in user.groups.all() if group.name in _RANK]
    if not names:
        return None
    return Role(min(names, key=_RANK.__getitem__))


def grant_role(user, role: Role) -> None:
    user.groups.add(Group.objects.get(name=role.value))
