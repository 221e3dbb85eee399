from allauth.socialaccount.models import SocialApp
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# Social sign-in providers come from the environment only (canyu/settings.py, accounts.adapters).
admin.site.unregister(SocialApp)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff give and take roles here, through the user's groups."""

    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Profile"), {"fields": ("display_name", "avatar", "city", "phone_model", "bio")}),
        (_("Preferences"), {"fields": ("language", "time_zone")}),
    )
    # Avatars only come in through the profile form, which re-encodes them.
    readonly_fields = ("avatar", "last_login", "date_joined")
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
    list_filter = ("groups", "is_staff", "is_active")
    search_fields = ("username", "email", "display_name")
