"""Staff open programmes and select fans here; every selection goes through samples.selecting, so
never more fans are selected than there are samples."""

from django.contrib import admin, messages
from django.utils.translation import gettext, gettext_lazy as _

from samples import selecting
from samples.applying import SampleRefused
from samples.models import Application, Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "samples", "selected_count", "closes_at", "state", "published"]
    list_filter = ["state", "published"]
    readonly_fields = ["state", "selected_count", "created_by", "created_at"]
    actions = ["finish_selection"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Finish the selection and tell the fans not selected"))
    def finish_selection(self, request, queryset):
        finished = sum(selecting.finish_selection(programme=programme, by=request.user) for programme in queryset)
        messages.info(request, gettext("%(count)d programmes finished.") % {"count": finished})


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["fan", "programme", "status", "created_at"]
    list_filter = ["status", "programme"]
    list_select_related = ["fan", "programme"]
    search_fields = ["fan__username"]
    readonly_fields = ["programme", "fan", "answers", "created_at", "status", "diary"]
    actions = ["select"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Select for a sample (starts their build diary)"))
    def select(self, request, queryset):
        for application in queryset:
            try:
                selecting.select_applicant(application=application, by=request.user)
            except SampleRefused as refusal:
                messages.error(request, f"{application.fan}: {refusal}")
            else:
                messages.success(request, gettext("%(fan)s is selected.") % {"fan": application.fan})
