"""The box above an idea's posts: status, votes, the vote button, the release and its engineers."""

from django.template.loader import render_to_string

from voting import ideapages, votebutton


def concerns(thread) -> bool:
    """Ideas, and polls on them, live in ideas boards only (forum.panels)."""
    return thread.board.holds_ideas


def idea_panel(request, thread):
    """Nothing (and no query) outside ideas boards; a fixed number of queries inside."""
    if not thread.board.holds_ideas:
        return None
    idea = ideapages.idea_of_thread(request.user, thread)
    if idea is None:
        return None
    context = ideapages.panel_context(request.user, idea)
    context["vote"] = votebutton.vote_widget(request, idea_id=idea.pk, thread_url=thread.get_absolute_url(),
                                             count=idea.vote_count, voted=context["voted"], closed=context["closed"])
    return render_to_string("voting/_idea_panel.html", context, request=request)
