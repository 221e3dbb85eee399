"""The shapes of the poll forms; the rules (who, where, how many, when) are polls.polling'."""

import re
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from canyu.text import clean_title, isolate
from canyu.timezones import current_zone_label
from polls.models import OPTION_MAX, OPTIONS_MAX, QUESTION_MAX, Poll
from polls.polling import upcoming_ideas

# Candidate ideas offered as checkboxes: the most voted upcoming ones.
CANDIDATES_SHOWN = 50
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class PollForm(forms.Form):
    question = forms.CharField(
        label=_("Question"),
        max_length=QUESTION_MAX,
        help_text=_("For example: Which of these should go into next Friday's build?"),
    )
    choice = forms.ChoiceField(
        label=_("Answers"), choices=Poll.Choice.choices, initial=Poll.Choice.SINGLE, widget=forms.RadioSelect
    )
    results = forms.ChoiceField(
        label=_("Results"), choices=Poll.Results.choices, initial=Poll.Results.AFTER_CLOSE, widget=forms.RadioSelect
    )
    # Read in the user's time zone (accounts.middleware activates it); Django
    # refuses a time that does not exist or is ambiguous there.
    closes_at = forms.DateTimeField(
        label=_("Closes"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    ideas = forms.TypedMultipleChoiceField(
        label=_("Candidate ideas"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    labels = forms.CharField(
        label=_("Other answers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=OPTIONS_MAX * (OPTION_MAX + 2),
        help_text=_("One per line, at most %(max)d characters each.") % {"max": OPTION_MAX},
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        if product is None:
            del self.fields["ideas"]
        else:
            candidates = upcoming_ideas(product)[:CANDIDATES_SHOWN]
            # Each title beside its checkbox, isolated: a right-to-left one does not pull the checkbox across.
            self.fields["ideas"].choices = [(idea.pk, isolate(idea.thread.title)) for idea in candidates]
            self.fields["ideas"].help_text = gettext("Upcoming ideas of %(product)s, most voted first.") % {
                "product": product.name
            }
        self.fields["closes_at"].help_text = gettext("In your time zone, %(zone)s.") % {"zone": current_zone_label()}
        if not self.is_bound:
            soon = timezone.localtime() + timedelta(days=2)
            self.initial["closes_at"] = soon.replace(minute=0, second=0, microsecond=0)

    def clean_question(self) -> str:
        return clean_title(self.cleaned_data["question"], max_length=QUESTION_MAX)

    def clean_labels(self) -> list[str]:
        # Each answer is cleaned like a title; a refusal names its line. Split at line ends only:
        # str.splitlines also splits at U+2028, \x1c and others, which must be refused, not obeyed.
        labels = []
        for number, line in enumerate(re.split(r"\r\n|\r|\n", self.cleaned_data["labels"]), start=1):
            if not line.strip():
                continue
            try:
                labels.append(clean_title(line, max_length=OPTION_MAX))
            except ValidationError as refusal:
                raise ValidationError(
                    gettext("Line %(number)d: %(reason)s") % {"number": number, "reason": refusal.messages[0]},
                    code=refusal.code,
                ) from None
        return labels


class OptionIdsField(forms.Field):
    """The ids of the chosen answers (any number of ``option`` values); whole numbers only."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, (list, tuple)) or len(value) > OPTIONS_MAX:
            raise ValidationError(gettext("That is not an answer of this poll."), code="invalid")
        try:
            return [int(item) for item in value]
        except (TypeError, ValueError):
            raise ValidationError(gettext("That is not an answer of this poll."), code="invalid") from None


class BallotForm(forms.Form):
    option = OptionIdsField(required=False)
