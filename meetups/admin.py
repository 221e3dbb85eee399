"""Cities (with their time zones) and meetups in the admin. Seats and RSVPs change only through
meetups.rsvps, so they are read-only here."""

from zoneinfo import available_timezones

from django import forms
from django.contrib import admin
from django.utils.translation import gettext

from meetups.models import City, Meetup


class CityForm(forms.ModelForm):
    class Meta:
        model = City
        fields = ["name", "slug", "time_zone"]

    def clean_time_zone(self):
        zone = self.cleaned_data["time_zone"]
        if zone not in available_timezones():
            raise forms.ValidationError(gettext("Give a time zone by its name, like Asia/Shanghai."))
        return zone


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    form = CityForm
    list_display = ["name", "slug", "time_zone"]
    prepopulated_fields = {"slug": ["name"]}


class MeetupAdminForm(forms.ModelForm):
    class Meta:
        model = Meetup
        fields = [
            "city",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "organiser",
            "official",
            "status",
            "reviewed_by",
        ]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk is not None and capacity < self.instance.seats_taken:
            # The database refuses it too (meetups_seats_within_capacity); this says why.
            raise forms.ValidationError(
                gettext("%(taken)d seats are taken: the capacity cannot be less.")
                % {"taken": self.instance.seats_taken}
            )
        return capacity


@admin.register(Meetup)
class MeetupAdmin(admin.ModelAdmin):
    form = MeetupAdminForm
    list_display = ["title", "city", "starts_at", "status", "official", "capacity", "seats_taken"]
    list_filter = ["status", "official", "city"]
    search_fields = ["title", "place"]
    list_select_related = ["city"]
    raw_id_fields = ["organiser", "reviewed_by"]
    readonly_fields = ["seats_taken", "reminded_at", "created_at"]
