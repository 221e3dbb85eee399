from django import forms
from django.utils.translation import gettext_lazy as _

from forum.models import POST_MAX, TITLE_MAX, TITLE_MIN


class PostForm(forms.Form):
    source = forms.CharField(
        label=_("Text"), min_length=1, max_length=POST_MAX, strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, > quote, - list, `code`, @username."),
    )


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX, strip=True)
    field_order = ["title", "source"]


class ThreadModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[
        ("pin", _("Pin")), ("unpin", _("Unpin")), ("lock", _("Lock")), ("unlock", _("Unlock")),
        ("hide_thread", _("Hide")), ("unhide_thread", _("Unhide")),
    ])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class MoveForm(forms.Form):
    board = forms.ModelChoiceField(label=_("Move to board"), queryset=None, to_field_name="slug")
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards


class PostModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide_post", _("Hide")), ("unhide_post", _("Unhide"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong with this post?"), min_length=3, max_length=500, strip=True,
                             widget=forms.Textarea(attrs={"rows": 3}))


class CloseReportForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("resolved", _("Resolved")), ("dismissed", _("Dismissed"))])
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)
