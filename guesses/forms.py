"""The guess form's shape: one of the teaser's choices. The rules are guesses.guessing'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guesses.models import Choice


class GuessForm(forms.Form):
    choice = forms.TypedChoiceField(
        label=_("Your guess"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the products."),
            "invalid_choice": _("That is not one of this teaser's choices."),
        },
    )

    def __init__(self, *args, choices: list[Choice], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(choice.pk, choice.label) for choice in choices]
