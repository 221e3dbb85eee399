"""Status changes of ideas, merging duplicates, shipping with the release, and telling the fans.

Every change is a conditional UPDATE on the status the changer saw: of two
product managers who change an idea at once, one wins and the other is told
the idea changed meanwhile. Each change leaves a public StatusChange, and its
voters and the followers of its thread are told after commit by a task
(``notify_status_change``), once each: the notification key names the change.

``ship_released_ideas`` runs every minute (Celery beat) because releases do
not import voting: ideas in build whose changelog item's release is published
become shipped, each at most once however many workers run.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import outbox
from forum import pagecache
from forum.models import ThreadFollow
from honour import points
from ideas.models import OPEN, Idea, IdeaVote, StatusChange
from ideas.proposing import IdeaRefused
from ideas.voting import recount_votes
from notifications.delivery import notify
from notifications.models import Kind as NotificationKind
from releases.models import ChangelogItem, Release

logger = logging.getLogger(__name__)

Status = Idea.Status
MANAGE_IDEAS = "accounts.manage_ideas"

# Where a product manager may move an idea from each status. Shipped is set by
# ship_released_ideas, duplicate by merge_idea; neither is left again.
TRANSITIONS = {
    Status.NEW: {Status.UNDER_REVIEW, Status.PLANNED, Status.IN_BUILD, Status.DECLINED},
    Status.UNDER_REVIEW: {Status.PLANNED, Status.IN_BUILD, Status.DECLINED},
    Status.PLANNED: {Status.UNDER_REVIEW, Status.PLANNED, Status.IN_BUILD, Status.DECLINED},
    Status.IN_BUILD: {Status.UNDER_REVIEW, Status.PLANNED, Status.IN_BUILD, Status.DECLINED},
    Status.DECLINED: {Status.UNDER_REVIEW},
    Status.SHIPPED: set(),
    Status.DUPLICATE: set(),
}
UNPUBLISHED = [Release.State.DRAFT, Release.State.SCHEDULED]
# Ideas shipped per tick at most; the rest wait a minute.
SHIP_PER_TICK = 200


def _require_manager(user) -> None:
    if not (user.is_authenticated and user.has_perm(MANAGE_IDEAS)):
        raise IdeaRefused(_("Only product managers may change the status of ideas."))


@transaction.atomic(durable=True)
def set_status(
    *,
    idea: Idea,
    by,
    status: str,
    note: str = "",
    target_release: Release | None = None,
    changelog_item: ChangelogItem | None = None,
) -> StatusChange:
    """Move ``idea`` from the status it has in ``idea`` (as the changer saw it) to ``status``.

    Planned needs a target release of the idea's product that is not published
    yet; in build needs a changelog item of a release of the idea's product;
    declined needs a note saying why. Refused, with nothing changed, when the
    idea's status changed since it was read.
    """
    _require_manager(by)
    status, note = Status(status), note.strip()
    if status not in TRANSITIONS[Status(idea.status)]:
        raise IdeaRefused(
            _("An idea that is %(from)s cannot become %(to)s.")
            % {"from": Status(idea.status).label.lower(), "to": status.label.lower()}
        )
    fields: dict[str, Release | ChangelogItem | None] = {"target_release": None, "changelog_item": None}
    if status == Status.PLANNED:
        if target_release is None or target_release.product_id != idea.product_id:
            raise IdeaRefused(_("A planned idea needs a target release of the same product."))
        if not Release.objects.filter(pk=target_release.pk, state__in=UNPUBLISHED).exists():
            raise IdeaRefused(_("The target release is published already; plan the idea for a later one."))
        fields["target_release"] = target_release
    elif status == Status.IN_BUILD:
        if changelog_item is None or changelog_item.release.product_id != idea.product_id:
            raise IdeaRefused(_("An idea in build needs a changelog item of a release of the same product."))
        fields["changelog_item"], fields["target_release"] = changelog_item, changelog_item.release
    elif status == Status.DECLINED and not note:
        raise IdeaRefused(_("Say why the idea is declined."))
    now = timezone.now()
    claimed = Idea.objects.filter(pk=idea.pk, status=idea.status).update(
        status=status, status_note=note, status_changed_at=now, **fields
    )
    if claimed != 1:
        _explain(idea)
    change = StatusChange.objects.create(idea=idea, from_status=idea.status, to_status=status, note=note, by=by, at=now)
    pagecache.changed(thread_ids=[idea.thread_id])
    outbox.enqueue("ideas.tasks.notify_status_change", change.pk)
    for name, value in fields.items():
        setattr(idea, name, value)
    idea.status, idea.status_note, idea.status_changed_at = status, note, now
    return change


def _explain(idea: Idea) -> None:
    """The claim found the idea in another status than ``idea`` says: someone was quicker."""
    current = Idea.objects.filter(pk=idea.pk).first()
    if current is None:
        raise IdeaRefused(_("This idea no longer exists."))
    raise IdeaRefused(
        _("This idea changed meanwhile: it is %(status)s now.") % {"status": Status(current.status).label.lower()}
    )


def _chain_end(idea: Idea) -> Idea:
    """The idea a chain of merges ends at (``idea`` itself if it was not merged)."""
    seen = {idea.pk}
    while idea.merged_into_id is not None:
        if idea.merged_into_id in seen:
            raise IdeaRefused(_("These ideas are merged into each other in a circle."))
        seen.add(idea.merged_into_id)
        idea = Idea.objects.get(pk=idea.merged_into_id)
    return idea


@transaction.atomic(durable=True)
def merge_idea(*, idea: Idea, into: Idea, by, note: str = "") -> StatusChange:
    """Mark ``idea`` a duplicate of ``into`` (or of the idea ``into`` was itself merged into).

    Its votes and its thread's followers move to the target; a fan who voted
    for (or followed) both counts once. Both vote counts are rebuilt from the
    rows. Refused for the idea itself, a circle of merges, a closed idea, or
    ideas of different products; nothing moves then.
    """
    _require_manager(by)
    target = _chain_end(into)
    if into.pk == idea.pk:
        raise IdeaRefused(_("An idea cannot be merged into itself."))
    if target.pk == idea.pk:
        raise IdeaRefused(
            _("“%(into)s” is already merged into this idea: merging back would make a circle.") % {"into": into}
        )
    if target.product_id != idea.product_id:
        raise IdeaRefused(_("Only ideas of the same product can be merged."))
    # Both rows locked in id order, so two merges of the same two ideas in
    # opposite directions queue instead of deadlocking; the second one then
    # finds its idea a duplicate already and is refused. (SQLite serialises.)
    locked = {
        row.pk: row for row in Idea.objects.select_for_update().filter(pk__in=[idea.pk, target.pk]).order_by("pk")
    }
    if locked[target.pk].status == Status.DUPLICATE:
        raise IdeaRefused(_("The idea to merge into changed meanwhile; try again."))
    from_status = locked[idea.pk].status
    # The audience of the change is the duplicate's, taken before its votes and followers move.
    audience = _audience(idea)
    now = timezone.now()
    note = note.strip()
    claimed = Idea.objects.filter(pk=idea.pk, status__in=OPEN).update(
        status=Status.DUPLICATE,
        merged_into=target,
        status_note=note,
        status_changed_at=now,
        target_release=None,
        changelog_item=None,
    )
    if claimed != 1:
        raise IdeaRefused(_("This idea is closed and cannot be merged."))
    _move_votes(source=idea, target=target)
    _move_follows(source_thread_id=idea.thread_id, target_thread_id=target.thread_id)
    recount_votes([idea.pk, target.pk])
    change = StatusChange.objects.create(
        idea=idea, from_status=from_status, to_status=Status.DUPLICATE, note=note, by=by, at=now
    )
    pagecache.changed(thread_ids=[idea.thread_id, target.thread_id])
    outbox.enqueue("ideas.tasks.notify_status_change", change.pk, sorted(audience - {by.pk}))
    idea.status, idea.merged_into, idea.status_note, idea.status_changed_at = Status.DUPLICATE, target, note, now
    return change


def _move_votes(*, source: Idea, target: Idea) -> None:
    # INSERT … ON CONFLICT DO NOTHING: a fan who voted for both keeps one vote.
    votes = list(IdeaVote.objects.filter(idea=source).values_list("user_id", "created_at"))
    IdeaVote.objects.bulk_create(
        [IdeaVote(idea=target, user_id=user_id, created_at=at) for user_id, at in votes],
        ignore_conflicts=True,
        batch_size=1000,
    )
    IdeaVote.objects.filter(idea=source).delete()


def _move_follows(*, source_thread_id: int, target_thread_id: int) -> None:
    follows = list(ThreadFollow.objects.filter(thread_id=source_thread_id).values_list("user_id", "created_at"))
    ThreadFollow.objects.bulk_create(
        [ThreadFollow(thread_id=target_thread_id, user_id=user_id, created_at=at) for user_id, at in follows],
        ignore_conflicts=True,
        batch_size=1000,
    )
    ThreadFollow.objects.filter(thread_id=source_thread_id).delete()


def _audience(idea: Idea) -> set[int]:
    voters = IdeaVote.objects.filter(idea=idea).values_list("user_id", flat=True)
    followers = ThreadFollow.objects.filter(thread_id=idea.thread_id).values_list("user_id", flat=True)
    return set(voters) | set(followers)


def ship_released_ideas(*, now: datetime | None = None) -> int:
    """The minute's tick: ideas in build whose release is published become shipped, each in its
    own transaction and at most once. Returns how many this call shipped."""
    ids = list(
        Idea.objects.filter(status=Status.IN_BUILD, changelog_item__release__state=Release.State.PUBLISHED)
        .order_by("pk")
        .values_list("pk", "changelog_item_id", "thread_id")[:SHIP_PER_TICK]
    )
    return sum(
        ship_idea(idea_id=idea_id, changelog_item_id=item_id, thread_id=thread_id, now=now)
        for idea_id, item_id, thread_id in ids
    )


@transaction.atomic(durable=True)
def ship_idea(*, idea_id: int, changelog_item_id: int, thread_id: int, now: datetime | None = None) -> bool:
    """Shipped, if the idea is still in build with this (published) item; True only for the one call
    that shipped it. The claim names only the idea's own columns, so on PostgreSQL a second
    claimer re-checks them after the first commits and updates nothing."""
    now = now or timezone.now()
    claimed = Idea.objects.filter(pk=idea_id, status=Status.IN_BUILD, changelog_item_id=changelog_item_id).update(
        status=Status.SHIPPED, status_note="", status_changed_at=now
    )
    if claimed != 1:
        return False
    change = StatusChange.objects.create(
        idea_id=idea_id, from_status=Status.IN_BUILD, to_status=Status.SHIPPED, by=None, at=now
    )
    pagecache.changed(thread_ids=[thread_id])
    outbox.enqueue("ideas.tasks.notify_status_change", change.pk)
    # "Your idea shipped": its author's points, once (honour.points).
    author_id = Idea.objects.filter(pk=idea_id).values_list("thread__author_id", flat=True).get()
    points.grant_points(user_id=author_id, kind=points.Kind.IDEA_SHIPPED, cause=Idea(pk=idea_id), now=now)
    logger.info("Idea %s shipped (changelog item %s)", idea_id, changelog_item_id)
    return True


def notify_status_change(*, change_id: int, recipient_ids: list[int] | None = None) -> int:
    """Tell the idea's voters and its thread's followers (or, for a merge, the ``recipient_ids``
    taken before they moved) about a status change, in batches; the changer is not told.

    Safe to run again, whole or in part: notify() inserts only the missing rows
    of the change's key, and a fan who both voted and follows is one id.
    Walks voters and followers by user id (keyset over both unique indexes).
    Returns how many fans were offered.
    """
    change = StatusChange.objects.select_related("idea__thread").filter(pk=change_id).first()
    if change is None:
        return 0
    idea = change.idea
    with translation.override(settings.LANGUAGE_CODE):
        params = {"title": idea.thread.title, "status": str(Status(change.to_status).label)}
    key, url = f"idea:{idea.pk}:status:{change.pk}", idea.get_absolute_url()
    batch_size = settings.VOTING_NOTIFY_BATCH
    offered = 0
    if recipient_ids is not None:
        ids = [user_id for user_id in recipient_ids if user_id != change.by_id]
        for start in range(0, len(ids), batch_size):
            offered += notify(
                recipient_ids=ids[start : start + batch_size],
                kind=NotificationKind.IDEA,
                key=key,
                params=params,
                url=url,
            )
        return offered
    return notify_audience(
        audiences=[IdeaVote.objects.filter(idea_id=idea.pk), ThreadFollow.objects.filter(thread_id=idea.thread_id)],
        skip_id=change.by_id,
        kind=NotificationKind.IDEA,
        key=key,
        params=params,
        url=url,
    )


def notify_audience(
    *, audiences: list[QuerySet], skip_id: int | None, kind: str, key: str, params: dict, url: str
) -> int:
    """Notify every user of ``audiences`` (querysets of rows with a ``user_id``: votes, follows,
    ballots) once about ``key``, but ``skip_id``, in batches of VOTING_NOTIFY_BATCH.

    Walks the audiences together by user id (a keyset over each one's index), so
    one batch of each is in memory and a fan in two of them is one id. Safe to
    run again, whole or in part: notify() inserts only the missing rows of ``key``.
    Returns how many fans were offered.
    """
    batch_size = settings.VOTING_NOTIFY_BATCH
    ids = [audience.order_by("user_id").values_list("user_id", flat=True).distinct() for audience in audiences]
    offered, last = 0, 0
    while True:
        merged = sorted(set().union(*(user_ids.filter(user_id__gt=last)[:batch_size] for user_ids in ids)))
        merged = merged[:batch_size]
        if not merged:
            break
        # Each list was cut at batch_size, so every id up to merged[-1] of every list is in merged.
        offered += notify(
            recipient_ids=[user_id for user_id in merged if user_id != skip_id],
            kind=kind,
            key=key,
            params=params,
            url=url,
        )
        last = merged[-1]
    return offered
