"""The box above an idea's posts: status, votes, the vote button, the release and its engineers."""

from django.template.loader import render_to_string

from voting import ideapages


def idea_panel(request, thread):
    """Nothing (and no query) outside ideas boards; a fixed number of queries inside."""
    if not thread.board.holds_ideas:
        return None
    idea = ideapages.idea_of_thread(request.user, thread)
    if idea is None:
        return None
    return render_to_string("voting/_idea_panel.html", ideapages.panel_context(request.user, idea), request=request)
