from django.contrib import admin

from outbox.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task", "args", "created_at", "attempts", "next_try_at", "last_error"]
    readonly_fields = ["task", "args", "kwargs", "created_at", "attempts", "next_try_at", "last_error"]
