"""Roles: Fan, Engineer, Product manager, Moderator, Admin.

A role is a ``auth.Group`` of the same (English) name, created with its
permissions by migration ``accounts.0002_roles``; staff change a user's roles in
the admin. A user may hold several; the badge shows the highest.
"""

from django.contrib.auth.models import Group, Permission
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

# The permissions each role starts with. Staff may change them in the admin
# afterwards; ensure_roles only fills in groups that are missing.
STARTING_PERMISSIONS = {
    Role.FAN: [],
    Role.ENGINEER: ["be_credited_engineer"],
    Role.PRODUCT_MANAGER: ["read_feedback", "manage_ideas"],
    Role.MODERATOR: ["moderate_forum", "view_user"],
    Role.ADMIN: ["moderate_forum", "read_feedback", "manage_ideas", "publish_releases", "view_user", "change_user"],
}

_RANK = {role.value: rank for rank, role in enumerate(Role)}


def badge_of(user) -> Role | None:
    """The user's highest role. Uses ``user.groups.all()``: prefetch it on lists."""
    names = [group.name for group in user.groups.all() if group.name in _RANK]
    if not names:
        return None
    return Role(min(names, key=_RANK.__getitem__))


def ensure_roles(**kwargs) -> None:
    """Create any missing role group with its starting permissions.

    Runs after every migrate (post_migrate), like Django's own permission
    creation, so the roles exist on a fresh database and again after a test
    flush; groups that exist are left exactly as staff set them.
    """
    for role, codenames in STARTING_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=role.value)
        if created and codenames:
            group.permissions.set(Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames))


def grant_role(user, role: Role) -> None:
    user.groups.add(Group.objects.get(name=role.value))
