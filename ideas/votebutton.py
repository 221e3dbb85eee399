"""The vote button of an idea: on the lists, in the idea's box and as htmx's answer to a vote.

Built in Python rather than a template because the lists put it on every row
of a page whose rows come from the cache (ideas.listcache): the rows are the
same for everyone, the buttons are each fan's own (their vote, their CSRF
token), so each request fills in 20 buttons. ``VoteButtons`` prepares what is
the same for all of them once per request (token, link patterns, escaped
words); each button is then one string format. Every value is escaped.
"""

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, npgettext, pgettext

_SAMPLE_ID = 987654321


class VoteButtons:
    def __init__(self, request, *, next_url: str | None = None):
        self.signed_in = request.user.is_authenticated
        self.next_url = next_url
        self.token = conditional_escape(get_token(request)) if self.signed_in else ""
        self.vote_url = reverse("ideas:vote", args=[_SAMPLE_ID]).replace(str(_SAMPLE_ID), "{id}")
        self.login_url = conditional_escape(resolve_url(settings.LOGIN_URL))
        self.labels = {
            True: conditional_escape(gettext("Voted ✓")),
            False: conditional_escape(pgettext("vote for an idea", "Vote")),
        }
        self.sign_in = conditional_escape(gettext("Sign in to vote"))

    def button(
        self, *, idea_id: int, thread_url: str, count: int, voted: bool, closed: bool, refused: str | None = None
    ) -> SafeString:
        idea_id, count = int(idea_id), int(count)
        tally = (
            f'<span class="vote-count"><strong>{count}</strong> <span class="muted">'
            f"{conditional_escape(npgettext('idea vote count', 'vote', 'votes', count))}</span></span>"
        )
        if closed:
            action = ""
        elif self.signed_in:
            url = self.vote_url.format(id=idea_id)
            action = (
                f'<form method="post" action="{url}" class="inline" hx-post="{url}" hx-target="#vote-{idea_id}" '
                f'hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{self.token}">'
                f'<input type="hidden" name="next" value="{conditional_escape(self.next_url or thread_url)}">'
                f'<button type="submit" class="vote-button{" voted" if voted else ""}" '
                f'aria-pressed="{"true" if voted else "false"}">{self.labels[bool(voted)]}</button></form>'
            )
        else:
            action = (
                f'<a href="{self.login_url}?{conditional_escape(urlencode({"next": thread_url}))}">{self.sign_in}</a>'
            )
        alert = format_html('<p class="errors" role="alert">{}</p>', refused) if refused else ""
        return mark_safe(f'<div class="idea-vote" id="vote-{idea_id}">{tally}{action}{alert}</div>')


def vote_widget(request, *, next_url: str | None = None, **button) -> SafeString:
    """One button (the idea's box, htmx's answer); see VoteButtons.button for the arguments."""
    return VoteButtons(request, next_url=next_url).button(**button)
