"""Counters kept beside the rows they count: toggling a row, rebuilding a count.

The rows are the truth (a unique constraint says there is at most one per
person); the counter moves with F() in the same transaction, by the number of
rows really changed, and ``recount`` rebuilds it from the rows. Used by likes
(forum.liking), idea votes (ideas.voting) and the forum's recounts.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Count, Expression, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def toggle_row(*, existing: QuerySet, create: Callable[[], object], counted: QuerySet, field: str) -> bool:
    """Delete the ``existing`` row if there is one, else ``create()`` it; move ``field``
    on the ``counted`` row to match. Returns whether the row exists now.

    Call inside the caller's transaction. Two taps racing: the unique
    constraint lets one insert win, and the loser counts nothing.
    """
    deleted, _detail = existing.delete()
    if deleted:
        counted.update(**{field: F(field) - deleted})
        return False
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True  # a concurrent tap made it already
    counted.update(**{field: F(field) + 1})
    return True


def count_of(rows: QuerySet, link: str) -> Expression:
    """A correlated COUNT(*) of ``rows`` whose ``link`` is the outer row (0 when none)."""
    counted = rows.filter(**{link: OuterRef("pk")}).values(link).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted), 0)


def recount(objects: QuerySet, *, field: str, actual: Expression) -> int:
    """Set ``field`` to ``actual`` where they differ; returns how many rows were corrected.
    One UPDATE: a run that finds nothing wrong writes nothing."""
    return objects.annotate(actual=actual).exclude(**{field: F("actual")}).update(**{field: actual})
