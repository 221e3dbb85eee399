"""The four-cell report form: shape only (the rules are feedback.reports.submit_report's).

The choices come from the lists the page read (feedback.pages), so
rendering the form costs no query; a posted id that is not among them (an item
of another release, an idea no longer listed) is refused with a clear message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import WHY_MAX, Report


class SelectMarkingOwnWork(forms.Select):
    """A select whose options for the engineer's own items are shown but disabled."""

    def __init__(self, *args, disabled=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled = set(disabled)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.disabled:
            option["attrs"]["disabled"] = True
        return option


def _why(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=WHY_MAX,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": WHY_MAX, "autocomplete": "off"}),
        error_messages={"max_length": _("Keep each “why” to %(limit_value)d characters.")},
    )


class ReportForm(forms.Form):
    mood = forms.ChoiceField(
        label=_("My mood about this update"),
        choices=Report.Mood.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose your mood."),
            "invalid_choice": _("Choose one of the four moods: happy, sad, love it or looking forward."),
        },
    )
    loved = forms.TypedChoiceField(
        label=_("The update I love most"),
        coerce=int,
        error_messages={
            "required": _("Choose the update you love most."),
            "invalid_choice": _("That update is not part of this release: choose one from the list."),
        },
    )
    weakest = forms.TypedChoiceField(
        label=_("The weakest update"),
        coerce=int,
        error_messages={
            "required": _("Choose the weakest update."),
            "invalid_choice": _("That update is not part of this release: choose one from the list."),
        },
    )
    awaited = forms.TypedChoiceField(
        label=_("The feature I am waiting for"),
        coerce=int,
        error_messages={
            "required": _("Choose the feature you are waiting for."),
            "invalid_choice": _("Choose one of the upcoming ideas in the list."),
        },
    )
    why_mood = _why(_("Why this mood? (optional)"))
    why_loved = _why(_("Why do you love it? (optional)"))
    why_weakest = _why(_("What is weak about it? (optional)"))
    why_awaited = _why(_("Why are you waiting for it? (optional)"))

    def __init__(self, *args, items, ideas, own_item_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = {item.pk: item for item in items}
        self.ideas = {idea.pk: idea for idea in ideas}
        mine = _(" (your work)")
        item_choices = [(item.pk, f"{item.title}{mine if item.pk in own_item_ids else ''}") for item in items]
        for name, prompt in (("loved", _("Choose an update")), ("weakest", _("Choose an update"))):
            self.fields[name].choices = [("", prompt), *item_choices]
            self.fields[name].widget = SelectMarkingOwnWork(disabled=own_item_ids, choices=self.fields[name].choices)
        self.fields["awaited"].choices = [("", _("Choose an idea")), *[(idea.pk, idea.thread.title) for idea in ideas]]

    def report_arguments(self) -> dict:
        """The keyword arguments of feedback.reports.submit_report."""
        data = self.cleaned_data
        return {
            "mood": data["mood"],
            "loved": self.items[data["loved"]],
            "weakest": self.items[data["weakest"]],
            "awaited": self.ideas[data["awaited"]],
            **{name: data[name] for name in ("why_mood", "why_loved", "why_weakest", "why_awaited")},
        }

    @staticmethod
    def initial_from(report: Report | None) -> dict:
        if report is None:
            return {}
        fields = ("mood", "why_mood", "why_loved", "why_weakest", "why_awaited")
        return {
            "loved": report.loved_id,
            "weakest": report.weakest_id,
            "awaited": report.awaited_id,
            **{name: getattr(report, name) for name in fields},
        }
