"""Ideas in the admin: statuses change through ideas.statuses (the idea pages), never by editing
the row here, so every change leaves its history and tells the fans."""

from django.contrib import admin

from ideas.models import Idea, StatusChange


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, written only by the process modules."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "note", "by"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "area", "status", "vote_count", "created_at"]
    list_filter = ["status", "product"]
    search_fields = ["thread__title"]
    list_select_related = ["thread", "product", "area"]
    raw_id_fields = ["thread"]
    readonly_fields = [
        "vote_count",
        "status",
        "status_note",
        "status_changed_at",
        "target_release",
        "changelog_item",
        "merged_into",
        "created_at",
    ]
    inlines = [StatusChangeInline]
