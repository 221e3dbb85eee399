"""The vote button of an idea: on the lists, in the idea's box and as htmx's answer to a vote.

Built in Python rather than a template because the lists put it on every row
of a page whose rows come from the cache (voting.listcache): the rows are the
same for everyone, the buttons are each fan's own (their vote, their CSRF
token), so each request fills in 20 buttons, and format_html does that in a
fraction of what 20 template renders cost. Every value is escaped by
format_html; the texts are translated here like any other.
"""

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext, npgettext, pgettext


def vote_widget(request, *, idea_id: int, thread_url: str, count: int, voted: bool, closed: bool,
                next_url: str | None = None, refused: str | None = None) -> SafeString:
    tally = format_html('<span class="vote-count"><strong>{}</strong> <span class="muted">{}</span></span>',
                        count, npgettext("idea vote count", "vote", "votes", count))
    if closed:
        action = ""
    elif request.user.is_authenticated:
        url = reverse("voting:vote", args=[idea_id])
        action = format_html(
            '<form method="post" action="{url}" class="inline" hx-post="{url}" hx-target="#vote-{id}" '
            'hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<input type="hidden" name="next" value="{next}">'
            '<button type="submit" class="vote-button{voted_class}" aria-pressed="{pressed}">{label}</button></form>',
            url=url, id=idea_id, token=get_token(request), next=next_url or thread_url,
            voted_class=" voted" if voted else "", pressed="true" if voted else "false",
            label=gettext("Voted ✓") if voted else pgettext("vote for an idea", "Vote"),
        )
    else:
        action = format_html('<a href="{}?{}">{}</a>', resolve_url(settings.LOGIN_URL), urlencode({"next": thread_url}),
                             gettext("Sign in to vote"))
    alert = format_html('<p class="errors" role="alert">{}</p>', refused) if refused else ""
    return format_html('<div class="idea-vote" id="vote-{}">{}{}{}</div>', idea_id, tally, action, alert)
