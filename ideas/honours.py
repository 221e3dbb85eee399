"""Ideas and honour: the medal rule ideas know the answer to, and the votes' points taken back with a
hidden idea thread (both registered in IdeasConfig.ready)."""

from datetime import datetime

from honour import points
from ideas.models import Idea


def first_idea_shipped(now: datetime):
    """Authors of at least one shipped idea."""
    return Idea.objects.filter(status=Idea.Status.SHIPPED).values_list("thread__author_id", flat=True).distinct()


def take_back_vote_points(thread_id: int) -> int:
    """A hidden idea thread's votes give no points (forum.moderation calls this in the hiding
    transaction); shown again, the idea earns from votes given after, as a post does from likes."""
    return points.take_back_points_of(kind=points.Kind.IDEA_VOTED, causes=Idea.objects.filter(thread_id=thread_id))
