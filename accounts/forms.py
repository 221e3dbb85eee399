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
        label=_("Display name"), max_length=_limit("display_name"), required=False,
        validators=[validate_no_invisible_characters],
    )
    avatar = forms.FileField(
        label=_("Avatar"), required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB. It is cropped to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )
    city = forms.CharField(label=_("City"), max_length=_limit("city"), required=False,
                           validators=[validate_no_invisible_characters])
    phone_model = forms.CharField(label=_("Phone model"), max_length=_limit("phone_model"), required=False,
                                  validators=[validate_no_invisible_characters])
    bio = forms.CharField(
        label=_("About me"), max_length=_limit("bio"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}), validators=[validate_no_invisible_characters],
    )

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return read_avatar(upload)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zones.time_zone_choices)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)
