from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canyu.text import clean_title
from forum.models import POST_MAX, TITLE_MAX, TITLE_MIN
from ideas.models import NOTE_MAX, Idea
from ideas.statuses import TRANSITIONS, UNPUBLISHED
from releases.models import ChangelogItem, FeatureArea, Release

ITEM_AGE = timedelta(days=60)


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Your idea in one line"), min_length=TITLE_MIN, max_length=TITLE_MAX, strip=True)
    area = forms.ModelChoiceField(
        label=_("Feature area"), queryset=FeatureArea.objects.none(), empty_label=_("Choose…")
    )
    source = forms.CharField(
        label=_("Describe it"),
        max_length=POST_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What should it do, and why would it help you? Markdown works."),
    )
    # Set once the fan has seen the similar ideas and still wants to post.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = FeatureArea.objects.filter(product=product).order_by("name")

    def clean_title(self):
        return clean_title(self.cleaned_data["title"], min_length=TITLE_MIN, max_length=TITLE_MAX)


class IdeaListForm(forms.Form):
    """The list's filters from the query string; anything unknown falls back to the default."""

    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("top", _("Top")),
            ("trending", _("Trending")),
            ("new", _("New")),
        ],
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + Idea.Status.choices)
    area = forms.ModelChoiceField(
        label=_("Feature area"), required=False, queryset=FeatureArea.objects.none(), empty_label=_("All areas")
    )

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = FeatureArea.objects.filter(product=product).order_by("name")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        area = data.get("area")
        return {
            "sort": data.get("sort") or "top",
            "status": data.get("status") or None,
            "area_id": area.pk if area else None,
        }


class DuplicateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the idea it duplicates"),
        max_length=TITLE_MAX,
        required=False,
        strip=True,
        help_text=_("Words of its title, or its number."),
    )


class StatusForm(forms.Form):
    """A product manager's status change. ``seen`` is the status the manager saw: if it changed
    meanwhile, ideas.statuses refuses instead of overwriting someone else's change."""

    seen = forms.ChoiceField(choices=Idea.Status.choices, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("New status"), choices=[])
    note = forms.CharField(
        label=_("Public note"),
        max_length=NOTE_MAX,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the idea and sent to its voters. Required when declining."),
    )
    target_release = forms.ModelChoiceField(
        label=_("Target release (planned)"), required=False, queryset=Release.objects.none()
    )
    changelog_item = forms.ModelChoiceField(
        label=_("Changelog item (in build)"), required=False, queryset=ChangelogItem.objects.none()
    )
    merge_into = forms.ModelChoiceField(
        label=_("Duplicate of"),
        required=False,
        queryset=Idea.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Search above for the idea this one duplicates, then choose it here."),
        error_messages={"invalid_choice": _("Choose one of the ideas listed.")},
    )

    def __init__(self, *args, idea: Idea, candidates: list[Idea] = (), **kwargs):
        """``candidates``: the ideas offered as what this one duplicates (found by the search); any idea of
        the same product but this one is accepted, so a choice made before a new search still counts."""
        super().__init__(*args, **kwargs)
        self.fields["merge_into"].queryset = (
            Idea.objects.filter(product_id=idea.product_id).exclude(pk=idea.pk).select_related("thread")
        )
        self.fields["merge_into"].choices = [
            (candidate.pk, f"{candidate.thread.title} (#{candidate.pk})") for candidate in candidates
        ]
        allowed = TRANSITIONS[Idea.Status(idea.status)] | {Idea.Status.DUPLICATE}
        self.fields["status"].choices = [(value, label) for value, label in Idea.Status.choices if value in allowed]
        self.fields["target_release"].queryset = Release.objects.filter(
            product_id=idea.product_id, state__in=UNPUBLISHED
        ).order_by("publish_at")
        # Items of coming releases and of those out for less than ITEM_DAYS: the ones an idea is built in.
        recent = Q(release__state__in=UNPUBLISHED) | Q(release__published_at__gte=timezone.now() - ITEM_AGE)
        self.fields["changelog_item"].queryset = (
            ChangelogItem.objects.filter(recent, release__product_id=idea.product_id)
            .select_related("release")
            .order_by("-release__publish_at", "position", "id")
        )
        self.fields["target_release"].label_from_instance = lambda release: release.version
        self.fields["changelog_item"].label_from_instance = lambda item: f"{item.release.version} · {item.title}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Idea.Status.DUPLICATE and not cleaned.get("merge_into"):
            self.add_error("merge_into", _("Choose the idea this one duplicates."))
        return cleaned
