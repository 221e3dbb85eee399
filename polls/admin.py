"""Polls in the admin, read-mostly (polls.polling owns every change)."""

from django.contrib import admin

from ideas.admin import ReadOnlyInline
from polls.models import Poll, PollOption


class PollOptionInline(ReadOnlyInline):
    model = PollOption
    fields = ["position", "label", "idea", "vote_count"]


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    """Read-mostly: polls are opened, answered and closed on the thread pages (polls.polling), so every
    ballot is counted once and every result posted once. Deleting a poll (and its ballots) stays possible."""

    list_display = ["question", "thread", "choice", "results", "closes_at", "closed_at", "ballot_count"]
    list_filter = ["choice", "results"]
    search_fields = ["question", "thread__title"]
    list_select_related = ["thread"]
    readonly_fields = [
        "thread",
        "question",
        "choice",
        "results",
        "opened_by",
        "created_at",
        "closes_at",
        "closed_at",
        "ballot_count",
        "result_post",
    ]
    inlines = [PollOptionInline]

    def has_add_permission(self, request):
        return False
