"""The box above an idea's posts: status, votes, the vote button, the release and its engineers."""

from django.template.loader import render_to_string

from forum.models import Thread
from ideas import pages, votebutton


def concerns(thread) -> bool:
    """Threads of ideas boards, and an idea's thread wherever a moderator moved it (forum.panels): the idea
    comes with the thread when forum.access read it (``related``), so this costs no query."""
    return thread.board.holds_ideas or Thread.idea.related.get_cached_value(thread, None) is not None


def idea_panel(request, thread):
    """Nothing (and no query) on threads without an idea; a fixed number of queries on an idea's."""
    if not concerns(thread):
        return None
    idea = pages.idea_of_thread(request.user, thread)
    if idea is None:
        return None
    context = pages.panel_context(request.user, idea)
    context["vote"] = votebutton.vote_widget(
        request,
        idea_id=idea.pk,
        thread_url=thread.get_absolute_url(),
        count=idea.vote_count,
        voted=context["voted"],
        closed=context["closed"],
    )
    return render_to_string("ideas/_idea_panel.html", context, request=request)
