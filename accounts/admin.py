from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin, UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy as _

from accounts.forms import LanguageSelect
from accounts.models import User
from accounts.roles import Role

# Social sign-in providers come from the environment only (canyu/settings.py, accounts.adapters).
admin.site.unregister(SocialApp)

# The actions of the permissions Django makes for every model.
ACTIONS = {"add": _("add"), "change": _("change"), "delete": _("delete"), "view": _("view")}


def role_name(group: Group) -> str:
    """A role's group by the role's name in the reader's language: its row is named by the role's key."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


def permission_name(permission: Permission) -> str:
    """A permission in the reader's language. Django names the permissions it makes for each model in
    English when it creates them ("Can add user") and stores that; ours are stored as their msgid."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    action, _separator, model_name = permission.codename.partition("_")
    if action in ACTIONS and model_name == model._meta.model_name:
        name = gettext("Can %(action)s %(thing)s") % {"action": ACTIONS[action], "thing": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {name}"


class RoleAndPermissionNames:
    """The groups (roles) and permissions pickers of a change form, in the reader's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name == "groups":
            field.label_from_instance = role_name
        elif field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_name
        return field


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(group.pk, role_name(group)) for group in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(groups=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(RoleAndPermissionNames, DjangoUserAdmin):
    """Staff give and take roles here, through the user's groups."""

    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Profile"), {"fields": ("display_name", "avatar", "city", "phone_model", "bio")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
    )
    # Avatars only come in through the profile form, which re-encodes them.
    readonly_fields = ("avatar", "last_login", "date_joined")
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
    list_filter = (RoleFilter, "is_staff", "is_active")
    search_fields = ("username", "email", "display_name")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "language":
            kwargs["widget"] = LanguageSelect
        return super().formfield_for_choice_field(db_field, request, **kwargs)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RoleAndPermissionNames, DjangoGroupAdmin):
    """The roles' groups, named in the reader's language."""

    list_display = ["shown_name"]

    @admin.display(description=_("role"), ordering="name")
    def shown_name(self, group: Group) -> str:
        return role_name(group)

    def action_checkbox(self, group: Group) -> str:
        # As Django's, with the role's name rather than the group's key.
        attrs = {
            "class": "action-select",
            "aria-label": format_html(gettext("Select this object for an action - {}"), role_name(group)),
        }
        return forms.CheckboxInput(attrs, lambda value: False).render(helpers.ACTION_CHECKBOX_NAME, str(group.pk))
