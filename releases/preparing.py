"""Preparing a release during the week: start it, add builds, schedule, move back, withdraw.

Every state change is a conditional UPDATE that names the state it expects,
so an admin's click and the minute's publishing tick cannot both win: whoever
changes the row first decides, the other sees 0 rows and says why.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from forum import pagecache
from forum.models import Thread
from forum.posting import existing_usernames
from forum.rendering import render_post
from releases.models import Build, ChangelogItem, Product, Release
from releases.scheduling import default_version, next_free_orange_friday
from search import indexing

State = Release.State
# The states in which an admin may still change a release's text, time, builds and changelog.
EDITABLE_STATES = (State.DRAFT, State.SCHEDULED)


class ReleaseRefused(Exception):
    """A rule said no; the message is for the admin who tried."""


def render_notes(source: str) -> str:
    """Release notes are Markdown, rendered as forum posts are (sanitised, @mentions linked)."""
    return render_post(source, mention_exists=existing_usernames).html if source else ""


def devices_for_next_release(product: Product) -> list[str]:
    """The devices of the product's latest release that had builds, else the product's device list."""
    latest = (
        Release.objects.filter(product=product, builds__isnull=False)
        .order_by("-publish_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is not None:
        return list(Build.objects.filter(release_id=latest).order_by("device").values_list("device", flat=True))
    return [line.strip() for line in product.devices.splitlines() if line.strip()]


def normalize_download_url(url: str) -> str:
    """``HTTPS://Host/x`` → ``https://Host/x``: the database check compares the scheme in lowercase."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep else url


def version_taken(*, product: Product, version: str, exclude_pk: int | None = None) -> bool:
    """As the releases_version_unique_per_product constraint sees it: without case."""
    releases = Release.objects.filter(product=product).annotate(key=Lower("version")).filter(key=version.lower())
    if exclude_pk is not None:
        releases = releases.exclude(pk=exclude_pk)
    return releases.exists()


def _duplicate_version(version: str) -> ReleaseRefused:
    return ReleaseRefused(
        _("This product already has a release %(version)s: choose another version.") % {"version": version}
    )


@transaction.atomic(durable=True)
def prepare_release(
    *,
    product: Product,
    author,
    title: str = "",
    notes: str = "",
    channel: str = Release.Channel.WEEKLY,
    version: str = "",
    publish_at: datetime | None = None,
    now: datetime | None = None,
) -> Release:
    """A new draft. Defaults: the next Orange Friday after the product's latest weekly build, the version of
    that day, a title from the version."""
    now = now or timezone.now()
    publish_at = publish_at or next_free_orange_friday(now=now, product=product)
    version = version or default_version(publish_at=publish_at, product=product)
    release = Release(
        product=product,
        channel=channel,
        version=version,
        title=title or _("Orange Friday %(version)s") % {"version": version},
        notes=notes,
        notes_html=render_notes(notes),
        publish_at=publish_at,
        created_by=author,
        created_at=now,
    )
    try:
        release.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise ReleaseRefused(" ".join(error.messages)) from None
    if version_taken(product=product, version=version):
        raise _duplicate_version(version)
    try:
        release.save()
    except IntegrityError:
        # Someone took the version between the check and the insert.
        raise _duplicate_version(version) from None
    return release


def start_from_previous(*, product: Product, author, now: datetime | None = None) -> Release:
    """The next weekly draft of ``product``: next Orange Friday, that day's version, same channel
    as the latest release. Its builds are not copied: last week's URL and SHA-256 under this
    week's version is the one mistake that must not be easy; the admin offers a blank build
    row for each of the previous release's devices instead (devices_for_next_release)."""
    channel = (
        Release.objects.filter(product=product).order_by("-publish_at", "-pk").values_list("channel", flat=True).first()
        or Release.Channel.WEEKLY
    )
    return prepare_release(product=product, author=author, channel=channel, now=now)


def save_release_details(*, release: Release, now: datetime | None = None) -> Release:
    """Save what an admin form edits (never state, publish or withdraw times, announcement).

    Runs inside the caller's transaction (the admin wraps a change form and its
    inlines in one) and locks the row, so a release that the publishing tick
    claimed meanwhile is refused instead of being put back to a stale state.
    """
    now = now or timezone.now()
    release.notes_html = render_notes(release.notes)
    if release.pk is None:
        release.save()
        return release
    current = Release.objects.select_for_update().only("state").get(pk=release.pk)
    if current.state not in EDITABLE_STATES:
        raise ReleaseRefused(
            _("This release is %(state)s: it can no longer be changed.")
            % {"state": current.get_state_display().lower()}
        )
    if current.state == State.SCHEDULED and release.publish_at <= now:
        raise ReleaseRefused(_("A scheduled release needs a publish time in the future."))
    release.save(
        update_fields=[
            "product",
            "channel",
            "version",
            "title",
            "notes",
            "notes_html",
            "publish_at",
            "report_opens_at",
            "report_closes_at",
        ]
    )
    return release


def require_publishable(release: Release) -> None:
    """Refuse a release fans could not use: no changelog item or no build."""
    if not release.changelog.exists():
        raise ReleaseRefused(_("Add at least one changelog item before scheduling or publishing this release."))
    if not release.builds.exists():
        raise ReleaseRefused(_("Add at least one build before scheduling or publishing this release."))


def has_items_and_builds():
    """For a claim's WHERE: the release has a changelog item and a build (checked in the same statement)."""
    return (
        Exists(ChangelogItem.objects.filter(release=OuterRef("pk"))),
        Exists(Build.objects.filter(release=OuterRef("pk"))),
    )


def _explain_state(release: Release) -> ReleaseRefused:
    return ReleaseRefused(_("This release is already %(state)s.") % {"state": release.get_state_display().lower()})


@transaction.atomic(durable=True)
def schedule_release(*, release: Release, now: datetime | None = None) -> Release:
    """Draft → scheduled, if it has changelog items and builds and its time is in the future.

    A release whose time passes while it is scheduled still publishes, at the
    next minute's tick; only scheduling by hand needs a future time.
    """
    now = now or timezone.now()
    claimed = (
        Release.objects.filter(pk=release.pk, state=State.DRAFT, publish_at__gt=now)
        .filter(*has_items_and_builds())
        .update(state=State.SCHEDULED)
    )
    current = Release.objects.get(pk=release.pk)
    if claimed == 1 or current.state == State.SCHEDULED:
        return current  # scheduling twice is not an error
    if current.state != State.DRAFT:
        raise _explain_state(current)
    require_publishable(current)
    raise ReleaseRefused(
        _("The publish time %(time)s has passed: choose a time in the future, or publish now.")
        % {"time": formats.date_format(timezone.localtime(current.publish_at), "DATETIME_FORMAT")}
    )


@transaction.atomic(durable=True)
def unschedule_release(*, release: Release) -> Release:
    """Scheduled → draft (it will not publish until scheduled again)."""
    claimed = Release.objects.filter(pk=release.pk, state=State.SCHEDULED).update(state=State.DRAFT)
    current = Release.objects.get(pk=release.pk)
    if claimed != 1 and current.state != State.DRAFT:
        raise _explain_state(current)
    return current


@transaction.atomic(durable=True)
def withdraw_release(*, release: Release, now: datetime | None = None) -> Release:
    """Draft, scheduled or published → withdrawn: fans no longer see it, its announcement is unpinned.

    Withdrawing a scheduled release at 16:59:59 and the 17:00 tick cannot both
    happen: each is a conditional UPDATE of the same row.
    """
    now = now or timezone.now()
    claimed = Release.objects.filter(pk=release.pk, state__in=[State.DRAFT, State.SCHEDULED, State.PUBLISHED]).update(
        state=State.WITHDRAWN, withdrawn_at=now
    )
    current = Release.objects.get(pk=release.pk)
    if claimed != 1:
        raise _explain_state(current)
    indexing.hide_changelog(release_id=release.pk)  # not found from the same commit on
    if current.announcement_id and Thread.objects.filter(pk=current.announcement_id, pinned=True).update(pinned=False):
        board_id = Thread.objects.values_list("board_id", flat=True).get(pk=current.announcement_id)
        pagecache.changed(thread_ids=[current.announcement_id], board_ids=[board_id])
    return current


@transaction.atomic(durable=True)
def add_build(*, release: Release, device: str, download_url: str, size_bytes: int, sha256: str) -> Build:
    """One build per device; https or http URL; SHA-256 as 64 lowercase hex digits."""
    if not Release.objects.select_for_update().filter(pk=release.pk, state__in=EDITABLE_STATES).exists():
        raise ReleaseRefused(_("Builds can only be added to a draft or scheduled release."))
    build = Build(
        release=release,
        device=device.strip(),
        download_url=normalize_download_url(download_url),
        size_bytes=size_bytes,
        sha256=sha256.strip().lower(),
    )
    try:
        build.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ReleaseRefused(" ".join(error.messages)) from None
    if Build.objects.filter(release=release, device=build.device).exists():
        raise ReleaseRefused(_("This release already has a build for %(device)s.") % {"device": build.device})
    try:
        build.save()
    except IntegrityError:
        # A second request for the same device, or a URL only the database check refused.
        raise ReleaseRefused(_("This build could not be saved: one build per device, with an http(s) URL.")) from None
    return build
