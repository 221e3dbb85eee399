from django import forms

from notifications.models import EmailChoice, Kind


class EmailPreferencesForm(forms.Form):
    """One choice (off, right away, daily digest) per kind of notification."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=EmailChoice.choices, widget=forms.RadioSelect
            )
