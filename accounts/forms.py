from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.profiles import read_avatar
from canyu import timezones as time_zones
from canyu.text import validate_no_invisible_characters


def _limit(field_name: str) -> int:
    return User._meta.get_field(field_name).max_length


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=_limit("display_name"),
        required=False,
        validators=[validate_no_invisible_characters],
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB. It is cropped to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    city = forms.CharField(
        label=_("City"), max_length=_limit("city"), required=False, validators=[validate_no_invisible_characters]
    )
    phone_model = forms.CharField(
        label=_("Phone model"),
        max_length=_limit("phone_model"),
        required=False,
        validators=[validate_no_invisible_characters],
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=_limit("bio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_invisible_characters],
    )

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return read_avatar(upload)


class LanguageSelect(forms.Select):
    """Each language named in itself ("English" on a Chinese page) and marked as that language, so that
    browsers and screen readers say it right (as the footer's language switch does)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["lang"] = value
        return option


class TimeZoneField(forms.ChoiceField):
    """Lists the common zones and one per region (canyu.timezones); accepts any zone Python knows, so a
    zone stored under an older name ("US/Eastern") is still valid."""

    def valid_value(self, value):
        return value in time_zones.valid_zones()


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, widget=LanguageSelect)
    time_zone = TimeZoneField(label=_("Time zone"), choices=time_zones.time_zone_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The reader's zone shows as chosen even when the list names it otherwise.
        current = self.data.get("time_zone") if self.is_bound else self.initial.get("time_zone")
        if current:
            self.fields["time_zone"].choices = time_zones.time_zone_choices(current=current)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)
