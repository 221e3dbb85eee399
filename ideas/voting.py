"""Votes on ideas: one per fan, a toggle, the counter equal to the rows."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from canyu import counters
from forum import pagecache
from forum.models import Thread
from forum.ratelimits import hold_to_daily_cap
from honour import points
from ideas import trending
from ideas.models import OPEN, Idea, IdeaVote
from ideas.proposing import IdeaRefused


@transaction.atomic(durable=True)
def toggle_vote(*, idea: Idea, user) -> bool:
    """Vote for the idea if the user has not, take the vote back if they have; returns whether
    the user votes for it now. Refused on a shipped, declined or merged idea.

    The first statement claims the idea's row with a conditional UPDATE on its
    status: a merge or a status change that commits first wins (this call is
    refused), and on PostgreSQL the votes of one idea queue behind each other
    and behind a merge, so no vote is moved and counted at the same time. The
    unique (idea, user) constraint stays the last word; the counter moves with
    F() in the same transaction as the row. A vote beyond the user's daily cap
    raises forum.ratelimits.LimitReached and leaves nothing behind; taking a
    vote back is always allowed.
    """
    if Idea.objects.filter(pk=idea.pk, status__in=OPEN).update(vote_count=F("vote_count")) != 1:
        raise IdeaRefused(_("This idea is closed: it no longer takes votes."))
    voted = counters.toggle_row(
        existing=IdeaVote.objects.filter(idea=idea, user=user),
        create=lambda: IdeaVote.objects.create(idea=idea, user=user),
        counted=Idea.objects.filter(pk=idea.pk),
        field="vote_count",
    )
    if voted:
        hold_to_daily_cap(user=user, kind="idea_vote", rows=IdeaVote.objects.filter(user=user).exclude(idea=idea))
        # The idea's author's points, in this transaction (none for a vote for one's own idea: honour.points).
        author_id = Thread.objects.filter(pk=idea.thread_id).values_list("author_id", flat=True).get()
        points.grant_points(user_id=author_id, kind=points.Kind.IDEA_VOTED, cause=idea, giver_id=user.pk)
    else:
        points.take_back_points(kind=points.Kind.IDEA_VOTED, cause=idea, giver_id=user.pk)
    trending.bump(idea.pk, voted=voted)
    pagecache.changed(thread_ids=[idea.thread_id])
    return voted


def recount_votes(idea_ids=None) -> int:
    """Rebuild Idea.vote_count from the IdeaVote rows; returns how many ideas were corrected."""
    ideas = Idea.objects.all() if idea_ids is None else Idea.objects.filter(pk__in=idea_ids)
    return counters.recount(ideas, field="vote_count", actual=counters.count_of(IdeaVote.objects.all(), "idea"))
