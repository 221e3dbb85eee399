from django.contrib import admin

from outbox.models import Job, Mail


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task", "args", "created_at", "attempts", "next_try_at", "last_error"]
    readonly_fields = ["task", "args", "kwargs", "created_at", "attempts", "next_try_at", "last_error"]


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """To look at the mails given up or maybe sent (the log names them by Message-ID)."""

    list_display = ["subject", "state", "created_at", "attempts", "next_try_at", "last_error"]
    list_filter = ["state"]
    search_fields = ["message_id"]
    fields = readonly_fields = (
        "message_id",
        "recipients",
        "subject",
        "state",
        "created_at",
        "next_try_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
    )
