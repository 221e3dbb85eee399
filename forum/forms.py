from django import forms
from django.utils.translation import gettext_lazy as _

from canyu.text import clean_title
from forum.models import POST_MAX, TITLE_MAX, TITLE_MIN


class PostForm(forms.Form):
    source = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=POST_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, *italic*, > quote, - list, `code`, @username."),
    )
    image = forms.FileField(
        label=_("Picture"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source") and not cleaned.get("image") and "source" not in self.errors:
            self.add_error("source", forms.ValidationError(_("Write something or add a picture."), code="required"))
        return cleaned


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX, strip=True)
    field_order = ["title", "source", "image"]

    def clean_title(self):
        return clean_title(self.cleaned_data["title"], min_length=TITLE_MIN, max_length=TITLE_MAX)


class ThreadModerationForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("pin", _("Pin")),
            ("unpin", _("Unpin")),
            ("lock", _("Lock")),
            ("unlock", _("Unlock")),
            ("hide_thread", _("Hide")),
            ("unhide_thread", _("Unhide")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class MoveForm(forms.Form):
    """The boards a moderator may move a thread to, chosen from a list grouped by parent board; a board not
    in ``boards`` (one they may not read, or gone) is a form error."""

    board = forms.ModelChoiceField(
        label=_("Move to board"),
        queryset=None,
        error_messages={"invalid_choice": _("Choose one of the boards listed.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards
        self.fields["board"].choices = board_choices(boards)


def board_choices(boards) -> list:
    """Top-level boards as groups holding themselves and their children: [(group, [(id, name), ...]), ...]."""
    boards = list(boards)
    children: dict[int, list] = {}
    for board in boards:
        children.setdefault(board.parent_id, []).append(board)
    groups, listed = [], set()
    for top in children.get(None, []):
        options = [top, *children.get(top.pk, [])]
        listed.update(board.pk for board in options)
        groups.append((top.name, [(board.pk, board.name) for board in options]))
    # Children of a parent the moderator may not read, or deeper boards: listed under their own parent's name.
    for board in boards:
        if board.pk not in listed:
            groups.append((board.parent.name if board.parent_id else board.name, [(board.pk, board.name)]))
    return groups


class PostModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide_post", _("Hide")), ("unhide_post", _("Unhide"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"),
        min_length=3,
        max_length=500,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseReportForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("resolved", _("Resolved")), ("dismissed", _("Dismissed"))])
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)
