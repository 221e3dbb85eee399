"""The meetup form's shape: times are typed in the city's time zone and turned into UTC here; a time
that does not exist there (the hour skipped by daylight saving) or happens twice is refused."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from canyu.text import validate_no_invisible_characters
from meetups.models import CAPACITY_MAX, PLACE_MAX, TITLE_MAX, City


def city_time(day, at: time, zone: ZoneInfo) -> datetime | None:
    """The moment ``day`` ``at`` in ``zone``, or None if that wall time does not exist or is ambiguous."""
    naive = datetime.combine(day, at)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None  # skipped or repeated by a daylight-saving change
    return first


class MeetupForm(forms.Form):
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.all())
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, validators=[validate_no_invisible_characters])
    description = forms.CharField(label=_("What we will do"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX, validators=[validate_no_invisible_characters])
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(
        label=_("Ends"),
        help_text=_("In the city's time zone. An end earlier than the start is the next day."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=CAPACITY_MAX)

    def clean(self):
        data = super().clean()
        city, day, starts, ends = data.get("city"), data.get("day"), data.get("starts"), data.get("ends")
        if not (city and day and starts and ends):
            return data
        zone = ZoneInfo(city.time_zone)
        starts_at = city_time(day, starts, zone)
        ends_day = day if ends > starts else day.fromordinal(day.toordinal() + 1)
        ends_at = city_time(ends_day, ends, zone)
        if starts_at is None or ends_at is None:
            raise forms.ValidationError(
                gettext("That time does not exist or happens twice in %(zone)s (a daylight-saving change).")
                % {"zone": city.time_zone}
            )
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data
