"""Staff write teasers here: clues with the time each is shown, 2–10 choices with exactly one answer.

The database guards "at most one answer" (``guesses_one_answer``); the forms check the rest, and a
teaser is only published with at least one clue and 2–10 choices of which exactly one is the answer.
Once a published teaser has opened its choices are read-only (fans have guessed among them); clues
may still be added. Revealing is the beat's (guesses.revealing), also offered as an action.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from guesses import revealing
from guesses.models import CHOICES_MAX, CHOICES_MIN, Choice, Clue, Teaser


def has_opened(teaser: Teaser | None) -> bool:
    return teaser is not None and teaser.pk is not None and teaser.published and teaser.opens_at <= timezone.now()


class TeaserForm(forms.ModelForm):
    class Meta:
        model = Teaser
        fields = ["title", "description", "thread", "opens_at", "closes_at", "published"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", gettext("The teaser must close after it opens."))
        if data.get("published"):
            if self.instance.pk is None:
                self.add_error("published", gettext("Save the teaser with its clues and choices before publishing it."))
            else:
                choices = list(self.instance.choices.values_list("correct", flat=True))
                if not CHOICES_MIN <= len(choices) <= CHOICES_MAX or sum(choices) != 1:
                    self.add_error(
                        "published", gettext("A teaser needs 2 to 10 choices, exactly one of them the answer.")
                    )
                if not self.instance.clues.exists():
                    self.add_error("published", gettext("Add at least one clue before publishing."))
        return data


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not kept:
            return  # a draft without choices yet; publishing checks again
        if not CHOICES_MIN <= len(kept) <= CHOICES_MAX:
            raise ValidationError(gettext("A teaser needs 2 to 10 choices."))
        if sum(1 for form in kept if form.cleaned_data.get("correct")) != 1:
            raise ValidationError(gettext("Mark exactly one choice as the answer."))
        positions = [form.cleaned_data.get("position") for form in kept]
        if len(set(positions)) != len(positions):
            raise ValidationError(gettext("Each choice needs its own position."))


class ClueInline(admin.TabularInline):
    model = Clue
    fields = ["text", "reveal_at"]
    extra = 1


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["position", "label", "correct"]
    extra = 3
    max_num = CHOICES_MAX

    def has_add_permission(self, request, obj=None):
        return not has_opened(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not has_opened(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not has_opened(obj) and super().has_delete_permission(request, obj)


@admin.register(Teaser)
class TeaserAdmin(admin.ModelAdmin):
    form = TeaserForm
    list_display = ["title", "published", "opens_at", "closes_at", "state", "guess_count", "right_count"]
    list_filter = ["published", "state"]
    search_fields = ["title"]
    raw_id_fields = ["thread"]
    inlines = [ClueInline, ChoiceInline]
    actions = ["reveal_now"]

    def get_readonly_fields(self, request, obj=None):
        revealed = ["state", "revealed_at", "guess_count", "right_count", "result_post"]
        if has_opened(obj):
            return [*revealed, "opens_at", "closes_at", "published"]
        return revealed

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Reveal the answer of the selected closed teasers"))
    def reveal_now(self, request, queryset):
        # Only teasers past their closing time (and the margin) are revealed; the others are left alone.
        revealed = sum(revealing.reveal_teaser(teaser=teaser) for teaser in queryset)
        messages.info(request, gettext("%(count)d teasers revealed.") % {"count": revealed})
