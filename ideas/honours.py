"""The medal rule ideas know the answer to (registered with honour.medals in IdeasConfig.ready)."""

from datetime import datetime

from ideas.models import Idea


def first_idea_shipped(now: datetime):
    """Authors of at least one shipped idea."""
    return Idea.objects.filter(status=Idea.Status.SHIPPED).values_list("thread__author_id", flat=True).distinct()
