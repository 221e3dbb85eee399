"""Publishing a release exactly once, announcing it, and telling its followers.

Exactly once, however many workers, beat processes and retries run:

1. The claim is one conditional UPDATE, ``state: scheduled → published WHERE
   state = 'scheduled' AND publish_at <= now AND it has items and builds``.
   On PostgreSQL a second claimer blocks on the row lock, re-reads the row
   after the first commits, and updates 0 rows; SQLite serialises writers.
2. The announcement thread, the unpinning of last week's and the link
   release → thread are written in the claim's transaction, so a worker killed
   half-way rolls all of it back and the release is still scheduled: the next
   tick (or the redelivered task, acks_late) publishes it. That is why the
   thread is made with ``forum.posting.add_thread``, not the durable
   ``start_thread``: a thread committed in its own transaction after the claim
   could be lost (claim committed, worker killed) or doubled (thread first).
3. The fan-out is recorded in the claim's transaction (``outbox.enqueue``):
   only the claimer records it, and it is sent only once the publication is
   visible, or later by the outbox relay if the broker is down. The
   notifications' unique (recipient, key) constraint makes a retried fan-out
   tell no one twice; if the fan-out itself is lost (a worker that gave up),
   the next tick queues it again for a release published but not yet
   ``notified_at``.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

import outbox
from forum import pagecache, posting
from forum.models import POST_MAX, TITLE_MAX, Board, Thread
from notifications.delivery import notify
from notifications.models import Kind as NotificationKind
from releases.models import ChangelogItem, ProductFollow, Release
from releases.preparing import ReleaseRefused, has_items_and_builds, require_publishable
from releases.scheduling import due_releases, in_shanghai
from search import indexing

logger = logging.getLogger(__name__)

State = Release.State
ANNOUNCEMENTS_BOARD = "announcements"
# A fan-out not finished this long after publishing is queued again by the tick.
RESEND_NOTIFICATIONS_AFTER = timedelta(minutes=5)
RESEND_NOTIFICATIONS_FOR = timedelta(days=1)
# Releases published per tick at most; the rest wait a minute.
DUE_PER_TICK = 50


@transaction.atomic(durable=True)
def publish_release(*, release: Release, now: datetime | None = None, immediately: bool = False) -> bool:
    """Publish ``release`` if it is due. Publishes at most once, however many workers run;
    returns whether this call published it.

    ``immediately`` is the admin's "publish now": a draft or scheduled release,
    whatever its time (which becomes now). Refused with a reason when it has no
    changelog or builds; the tick only logs that.
    """
    now = now or timezone.now()
    board = Board.objects.filter(slug=ANNOUNCEMENTS_BOARD).first()
    if board is None:
        raise ReleaseRefused(
            _("There is no board with the slug “%(slug)s” to announce releases in.") % {"slug": ANNOUNCEMENTS_BOARD}
        )
    claim = Release.objects.filter(pk=release.pk).filter(*has_items_and_builds())
    if immediately:
        claimed = claim.filter(state__in=[State.DRAFT, State.SCHEDULED]).update(
            state=State.PUBLISHED, published_at=now, publish_at=now
        )
    else:
        claimed = claim.filter(state=State.SCHEDULED, publish_at__lte=now).update(
            state=State.PUBLISHED, published_at=now
        )
    if claimed != 1:
        if immediately:
            _explain_refusal(release)
        return False  # not due, or another worker published it first

    release = Release.objects.select_related("product", "created_by").get(pk=release.pk)
    # Found by search from the same commit as the release is published (the items are edited only before).
    indexing.put_changelog(
        release_id=release.pk,
        product_id=release.product_id,
        author_id=release.created_by_id,
        release_title=f"{release.product.name} {release.version}",
        items=list(ChangelogItem.objects.filter(release=release).values_list("pk", "title", "description")),
        published_at=now,
    )
    thread = announce_release(release=release, board=board)
    Release.objects.filter(pk=release.pk).update(announcement=thread)

    outbox.enqueue("releases.tasks.notify_followers", release.pk)
    logger.info("Published %s (announcement thread %s)", release, thread.pk)
    return True


def _explain_refusal(release: Release) -> None:
    current = Release.objects.get(pk=release.pk)
    if current.state not in (State.DRAFT, State.SCHEDULED):
        raise ReleaseRefused(_("This release is already %(state)s.") % {"state": current.get_state_display().lower()})
    require_publishable(current)


def announce_release(*, release: Release, board: Board) -> Thread:
    """The pinned announcement, written from the release; last announcement of the same product
    and channel unpinned. Runs inside publish_release's transaction (see the module docstring)."""
    author = release.created_by
    if author is None:
        raise ReleaseRefused(_("This release has no author to announce it (the account that prepared it is gone)."))
    items = list(
        ChangelogItem.objects.filter(release=release)
        .select_related("area")
        .prefetch_related("owners")
        .order_by("position", "pk")
    )
    builds = list(release.builds.order_by("device"))
    # The site's language, whoever pressed "publish now" and in whatever language.
    with translation.override(settings.LANGUAGE_CODE):
        title = f"{release.product.name} {release.version} · {release.title}"[:TITLE_MAX]
        source = write_announcement(release=release, items=items, builds=builds)
    previous = Thread.objects.filter(
        release__product=release.product_id, release__channel=release.channel, pinned=True
    ).exclude(release=release)
    unpinned = list(previous.values_list("pk", flat=True))
    previous.update(pinned=False)
    try:
        # Written by Canyu from the release, not typed by a new account: the
        # new-account link limit would refuse any release with 3 builds.
        thread = posting.add_thread(
            board=board, author=author, title=title, source=source, pinned=True, spam_limits=False
        )
    except posting.PostingRefused as refusal:
        raise ReleaseRefused(str(refusal)) from None
    pagecache.changed(thread_ids=unpinned, board_ids=[board.pk])
    return thread


def write_announcement(*, release: Release, items: list[ChangelogItem], builds: list) -> str:
    """Markdown for the announcement post: the notes, the changelog by kind with the engineers
    (@mentions link their profiles), the builds with size and SHA-256, a link back to the release.
    Shortened (notes, then descriptions left to the release page) to fit in a post."""
    url = release.get_absolute_url()
    for with_notes, with_descriptions in ((True, True), (False, True), (False, False)):
        source = _announcement_source(release, items, builds, url, with_notes, with_descriptions)
        if len(source) <= POST_MAX:
            return source
    cut = source[: POST_MAX - 200].rsplit("\n", 1)[0]
    return cut + "\n\n" + _("[The whole changelog is on the release page.](%(url)s)") % {"url": url}


def _announcement_source(release, items, builds, url, with_notes, with_descriptions) -> str:
    when = formats.date_format(in_shanghai(release.published_at or timezone.now()), "DATETIME_FORMAT")
    lines = [
        _("**%(product)s %(version)s** (%(channel)s), published %(when)s Beijing time.")
        % {
            "product": release.product.name,
            "version": release.version,
            "channel": release.get_channel_display(),
            "when": when,
        },
        "",
    ]
    if release.notes and with_notes:
        lines += [release.notes, ""]
    elif release.notes:
        lines += [_("[Read the release notes.](%(url)s)") % {"url": url}, ""]
    for kind in ChangelogItem.Kind:
        of_kind = [item for item in items if item.kind == kind]
        if not of_kind:
            continue
        lines += [f"### {kind.label}", ""]
        for item in of_kind:
            engineers = ", ".join(f"@{owner.username}" for owner in sorted(item.owners.all(), key=lambda u: u.username))
            lines.append(f"- **{_escape(item.title)}** ({_escape(item.area.name)}) · {engineers}")
            if item.description and with_descriptions:
                lines += ["", *(f"  {line}" for line in item.description.splitlines()), ""]
        lines.append("")
    if builds:
        lines += [f"### {_('Builds')}", "", f"| {_('Device')} | {_('Size')} | SHA-256 |", "|---|---|---|"]
        for build in builds:
            # <url> so parentheses in it do not end the link; < and > would end it, so they are encoded.
            href = build.download_url.replace("<", "%3C").replace(">", "%3E")
            lines.append(
                f"| [{_escape(build.device)}](<{href}>) | {filesizeformat(build.size_bytes)} | `{build.sha256}` |"
            )
        lines.append("")
    lines.append(_("[Release page, with every build and the full changelog](%(url)s)") % {"url": url})
    return "\n".join(lines)


def _escape(text: str) -> str:
    """Text from the admin goes into Markdown: no accidental tables, links or emphasis."""
    return "".join("\\" + char if char in "\\`*_[]|<>#" else char for char in text.replace("\n", " "))


def publish_due_releases(*, now: datetime | None = None) -> int:
    """The minute's tick: publish each due release (each in its own transaction), queue any
    fan-out that was lost. Returns how many releases this call published."""
    now = now or timezone.now()
    published = 0
    for release in list(due_releases(now)[:DUE_PER_TICK]):
        try:
            published += publish_release(release=release, now=now)
        except ReleaseRefused as refusal:
            logger.error("Release %s (id %s) is due but was not published: %s", release, release.pk, refusal)
    resend_lost_notifications(now=now)
    return published


def resend_lost_notifications(*, now: datetime) -> int:
    """Queue the fan-out again for releases published a while ago whose followers were not all told."""
    ids = list(
        Release.objects.filter(
            state=State.PUBLISHED,
            notified_at=None,
            published_at__lte=now - RESEND_NOTIFICATIONS_AFTER,
            published_at__gte=now - RESEND_NOTIFICATIONS_FOR,
        ).values_list("pk", flat=True)
    )
    for release_id in ids:
        logger.warning("Release id %s: followers not all notified; queueing the fan-out again", release_id)
        outbox.enqueue("releases.tasks.notify_followers", release_id)
    return len(ids)


def notify_followers(*, release_id: int) -> int:
    """Tell every follower of the release's product, in batches (each its own transaction).

    Safe to run again, whole or in part: notify() inserts only the rows that
    are missing. Walks follows by user id (keyset, served by the follow's unique
    (product, user) index) so batch 50 costs what batch 1 does. Returns how many
    followers were offered.
    """
    release = Release.objects.select_related("product").filter(pk=release_id, state=State.PUBLISHED).first()
    if release is None:
        return 0  # withdrawn, deleted, or not published (yet)
    batch_size = settings.RELEASES_NOTIFY_BATCH
    params = {"product": release.product.name, "version": release.version, "title": release.title}
    # Not the release page: the next step, chosen when the link is followed (releases.steps).
    url = reverse("releases:next_step", args=[release.product.slug, release.version])
    follows = ProductFollow.objects.filter(product_id=release.product_id).order_by("user_id")
    offered, last = 0, 0
    while True:
        batch = list(follows.filter(user_id__gt=last).values_list("user_id", flat=True)[:batch_size])
        if not batch:
            break
        offered += notify(
            recipient_ids=batch, kind=NotificationKind.RELEASE, key=f"release:{release.pk}", params=params, url=url
        )
        last = batch[-1]
        if len(batch) < batch_size:
            break
    Release.objects.filter(pk=release.pk, notified_at=None).update(notified_at=timezone.now())
    return offered
