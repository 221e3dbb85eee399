from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import EmailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For looking into what someone was told and when; notifications are made by notify(), not here."""

    # The sentence the recipient read, not the key it is filed under (searchable below).
    list_display = ["recipient", "kind", "message", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), ("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "recipient__username"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = ["recipient", "kind", "key", "params", "url", "created_at", "read_at", "emailed_at"]
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    @admin.display(description=_("message"))
    def message(self, notification: Notification) -> str:
        return notification.message

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    list_filter = ["kind", "email"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
