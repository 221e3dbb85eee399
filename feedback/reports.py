"""The four-cell report (四格体验报告): its window, who may report, submitting (and changing) a report.

The window. It opens when a weekly release is published and closes at the end
of the following Tuesday, Beijing time: the first instant it is closed is
Wednesday 00:00:00 Asia/Shanghai. An admin may set other times on the release
while it is not published (Release.report_opens_at / report_closes_at). The
window is fixed in the release's ReleaseTally row when it opens
(``open_window``), by the minute's tick or by the first fan to report,
whichever comes first; the tick also invites the voters of the ideas that
shipped in the release (feedback.notices).

No report lost or counted twice. ``submit_report`` writes in one transaction
that holds the ReleaseTally row FOR SHARE and checks the window on the row it
holds. Submissions share that lock, so they do not wait for each other; the
freeze (feedback.tally) claims the row with a conditional UPDATE, which waits
until every submission holding it has committed, and the submissions that come
later wait for the freeze and then find the result frozen. A report is either
in the frozen result or refused. The unique (release, fan) constraint with
INSERT ... ON CONFLICT DO UPDATE makes a double tap, or two tabs, one report:
the one written last. (SQLite has no FOR SHARE and runs one writer at a time;
the races are tested on PostgreSQL.)
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _, ngettext

import outbox
from feedback.models import AWAITABLE, WHY_MAX, ReleaseTally, Report
from forum import pagecache
from honour import points
from honour.models import Standing
from ideas.models import Idea
from releases.models import ChangelogItem, Product, Release
from releases.scheduling import SHANGHAI, in_shanghai

logger = logging.getLogger(__name__)

# Weekly development builds take reports; stable releases do not.
REPORTED_CHANNELS = [Release.Channel.WEEKLY]
TUESDAY = 1  # Monday is 0
REMIND_TIME = time(10, 0)
# The tick looks this far back for published releases whose window it has not opened.
OPEN_LOOKBACK = timedelta(days=14)
WHY_FIELDS = ("why_mood", "why_loved", "why_weakest", "why_awaited")


class ReportRefused(Exception):
    """A rule said no; the message is for the fan who tried."""


# --- The window --------------------------------------------------------------


def end_of_next_tuesday(moment: datetime) -> datetime:
    """Wednesday 00:00 Beijing time after the first Tuesday strictly after ``moment``'s day, in UTC.

    Published on Friday: Tuesday of the next week, four days later. Published
    on a Tuesday: the Tuesday a week later (not a window of a few hours).
    """
    local = in_shanghai(moment)
    days_ahead = (TUESDAY - local.weekday()) % 7 or 7
    wednesday = local.date() + timedelta(days=days_ahead + 1)
    return datetime.combine(wednesday, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def remind_time(*, opens_at: datetime, closes_at: datetime) -> datetime:
    """10:00 Beijing time on the window's last day (Tuesday by default); not before it opens."""
    last_day = in_shanghai(closes_at - timedelta(microseconds=1)).date()
    morning = datetime.combine(last_day, REMIND_TIME, tzinfo=SHANGHAI).astimezone(UTC)
    return max(morning, opens_at)


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime
    remind_at: datetime


def window_of(release: Release) -> Window:
    """The window of a published release: the admin's times if set, else publication to the end of
    the following Tuesday. Never opens before publication; a closing time the admin set that is not
    after the opening (the release was published late) gives way to the default."""
    published_at = release.published_at
    if published_at is None:  # the callers ask only of published releases (takes_reports)
        raise ValueError(f"release {release.pk} is not published: it has no report window")
    opens_at = max(published_at, release.report_opens_at or published_at)
    closes_at = release.report_closes_at
    if closes_at is None or closes_at <= opens_at:
        if closes_at is not None:
            logger.warning(
                "Release %s: report window closes (%s) before it opens (%s); using the default",
                release.pk,
                closes_at,
                opens_at,
            )
        closes_at = end_of_next_tuesday(opens_at)
    return Window(opens_at, closes_at, remind_time(opens_at=opens_at, closes_at=closes_at))


def takes_reports(release: Release) -> bool:
    return release.state == Release.State.PUBLISHED and release.channel in REPORTED_CHANNELS


def open_window(*, release: Release, now: datetime | None = None) -> ReleaseTally | None:
    """The release's ReleaseTally (its window), made the first time it is needed; None for a release
    that takes no reports, or whose window closed before anyone opened it (nothing to freeze then).

    Whoever makes the row (get_or_create: one INSERT wins a race) queues the
    invitations of the voters of ideas shipped in the release, after commit.
    """
    tally = ReleaseTally.objects.filter(release_id=release.pk).first()
    if tally is not None:
        return tally
    if not takes_reports(release):
        return None
    now = now or timezone.now()
    window = window_of(release)
    if window.closes_at <= now:
        return None
    tally, created = ReleaseTally.objects.get_or_create(
        release_id=release.pk,
        defaults={
            "opens_at": window.opens_at,
            "closes_at": window.closes_at,
            "remind_at": window.remind_at,
            "created_at": now,
        },
    )
    if created:
        outbox.enqueue("feedback.tasks.invite_voters", release.pk)
        if release.announcement_id:
            # The announcement's panel (feedback.loop) shows the window: cached pages of it are stale now.
            pagecache.changed(thread_ids=[release.announcement_id])
        logger.info("Report window of release %s open from %s to %s", release.pk, window.opens_at, window.closes_at)
    return tally


def open_windows(*, now: datetime | None = None) -> int:
    """The minute's tick: open the window of each weekly release published lately that has none.
    Returns how many it opened. Releases do not import feedback, so feedback looks."""
    now = now or timezone.now()
    releases = Release.objects.filter(
        state=Release.State.PUBLISHED,
        channel__in=REPORTED_CHANNELS,
        published_at__gte=now - OPEN_LOOKBACK,
        tally__isnull=True,
    ).order_by("published_at", "pk")
    opened = 0
    for release in releases:
        with transaction.atomic():
            opened += open_window(release=release, now=now) is not None
    return opened


def _when(moment: datetime) -> str:
    """A time for a message, in the reader's time zone (accounts.middleware activates it)."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def closing_text(closes_at: datetime) -> str:
    """The last second of a window, as fans read it: "until Tuesday 23:59" rather than "Wednesday 00:00"."""
    return _when(closes_at - timedelta(seconds=1))


# --- Who may report ------------------------------------------------------------


def eligibility_refusal(fan, product: Product, now: datetime) -> str | None:
    """Why ``fan`` may not report on ``product``'s releases, or None if they may. One query."""
    if not fan.is_authenticated or not fan.is_active:
        return _("Sign in to fill the report.")
    verified = EmailAddress.objects.filter(user_id=fan.pk, verified=True).exists()
    return _refusal_of(fan, product, now, verified=verified)


def _refusal_of(fan, product: Product, now: datetime, *, verified: bool) -> str | None:
    if not verified:
        return _(
            "Verify your e-mail address to fill the report: open the link we sent you, or add an "
            "address in your account settings."
        )
    days = product.report_min_account_days
    if days and fan.date_joined > now - timedelta(days=days):
        return ngettext(
            "Only accounts at least %(days)d day old may report on %(product)s.",
            "Only accounts at least %(days)d days old may report on %(product)s.",
            days,
        ) % {"days": days, "product": product.name}
    return None


def own_items(fan, items) -> set[int]:
    """The ids among ``items`` that ``fan`` is credited on as engineer. One query."""
    return set(_owned(fan, items).values_list("changelogitem_id", flat=True))


def _owned(fan, items):
    return ChangelogItem.owners.through.objects.filter(changelogitem_id__in=[item.pk for item in items], user_id=fan.pk)


# --- Submitting -----------------------------------------------------------------


def submit_report(
    *,
    release: Release,
    fan,
    mood: str,
    loved: ChangelogItem,
    weakest: ChangelogItem,
    awaited: Idea,
    why_mood: str = "",
    why_loved: str = "",
    why_weakest: str = "",
    why_awaited: str = "",
    now: datetime | None = None,
) -> Report:
    """Save ``fan``'s report on ``release``: made the first time, changed after that, while the window
    is open. One report per fan and release however often, or however fast, the form is sent.

    Refused with a message, and nothing written, for a fan who may not report
    (not signed in, e-mail not verified, account too young for the product),
    a window closed or not yet open, an item of another release, the same item
    as loved most and weakest, an engineer's own item, an idea that is not an
    upcoming idea of the product, a mood outside the four, a "why" too long.

    Three statements and a commit when the window is open: what the rules need
    to know, in one query; the window, held; the report, written.
    """
    now = now or timezone.now()
    if not fan.is_authenticated or not fan.is_active:
        raise ReportRefused(_("Sign in to fill the report."))
    facts = _facts(release=release, fan=fan, items=[loved, weakest], awaited=awaited)
    refusal = _refusal_of(fan, release.product, now, verified=facts["verified"])
    if refusal:
        raise ReportRefused(refusal)
    whys = _clean_whys(
        {"why_mood": why_mood, "why_loved": why_loved, "why_weakest": why_weakest, "why_awaited": why_awaited}
    )
    _check_choices(release=release, mood=mood, loved=loved, weakest=weakest, facts=facts)
    if not takes_reports(release):
        raise ReportRefused(_("%(release)s takes no four-cell reports.") % {"release": release})
    if not facts["has_window"] and open_window(release=release, now=now) is None:
        raise ReportRefused(
            _("The report window of %(release)s closed on %(when)s.")
            % {"release": release, "when": closing_text(window_of(release).closes_at)}
        )
    fields = {
        "mood": mood,
        "loved": loved,
        "weakest": weakest,
        "awaited": awaited,
        **whys,
        "device": fan.phone_model[:60],
        "level": facts["level"],
        "updated_at": now,
    }
    return _write_report(release=release, fan=fan, fields=fields, now=now)


def _facts(*, release: Release, fan, items: list[ChangelogItem], awaited: Idea) -> dict:
    """Everything the rules ask the database, in one query: whether the fan's address is verified,
    whether the fan built either item, whether the idea is upcoming in the release's product (read
    afresh: it may have been planned, shipped or declined since the page was shown), whether the
    window has been opened, and the fan's level. Written out in SQL: it runs on every submission, and compiling five
    EXISTS through the ORM cost more CPU than running them."""
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (EmailAddress, ChangelogItem.owners.through, Idea, ReleaseTally, Standing)
    }
    owners = table[ChangelogItem.owners.through]
    statuses = ", ".join(["%s"] * len(AWAITABLE))
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {table[EmailAddress]} WHERE user_id = %s AND verified), "
        f"EXISTS (SELECT 1 FROM {owners} WHERE changelogitem_id = %s AND user_id = %s), "
        f"EXISTS (SELECT 1 FROM {owners} WHERE changelogitem_id = %s AND user_id = %s), "
        f"EXISTS (SELECT 1 FROM {table[Idea]} WHERE id = %s AND product_id = %s AND status IN ({statuses})), "
        f"EXISTS (SELECT 1 FROM {table[ReleaseTally]} WHERE release_id = %s), "
        f"(SELECT level FROM {table[Standing]} WHERE user_id = %s)"
    )
    loved, weakest = items
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                fan.pk,
                loved.pk,
                fan.pk,
                weakest.pk,
                fan.pk,
                awaited.pk,
                release.product_id,
                *AWAITABLE,
                release.pk,
                fan.pk,
            ],
        )
        *exists, level = cursor.fetchone()
    names = ("verified", "loved_own", "weakest_own", "upcoming", "has_window")
    # The fan's level (honour.levels, kept on their standing; 1 without one), stored on the report.
    return dict(zip(names, map(bool, exists), strict=True)) | {"level": level or 1}


def _clean_whys(whys: dict[str, str]) -> dict[str, str]:
    cleaned = {name: (text or "").strip() for name, text in whys.items()}
    if any(len(text) > WHY_MAX for text in cleaned.values()):
        raise ReportRefused(_("Keep each “why” to %(max)d characters.") % {"max": WHY_MAX})
    return cleaned


def _check_choices(*, release: Release, mood: str, loved: ChangelogItem, weakest: ChangelogItem, facts: dict) -> None:
    if mood not in Report.Mood.values:
        raise ReportRefused(_("Choose your mood: happy, sad, love it or looking forward."))
    for item in (loved, weakest):
        if item.release_id != release.pk:
            raise ReportRefused(_("“%(item)s” is not an update of %(release)s.") % {"item": item, "release": release})
    if loved.pk == weakest.pk:
        raise ReportRefused(_("The update you love most cannot also be the weakest: choose two different updates."))
    if facts["loved_own"] or facts["weakest_own"]:
        raise ReportRefused(
            _(
                "You built “%(item)s”: engineers may not pick their own work as the update they "
                "love most or the weakest."
            )
            % {"item": loved if facts["loved_own"] else weakest}
        )
    if not facts["upcoming"]:
        raise ReportRefused(
            _("That idea is not an upcoming idea of %(product)s: choose one under review or planned.")
            % {"product": release.product.name}
        )


@transaction.atomic(durable=True)
def _write_report(*, release: Release, fan, fields: dict, now: datetime) -> Report:
    tally = _hold_window(release.pk)
    if tally.frozen_at is not None or now >= tally.closes_at:
        raise ReportRefused(
            _("The report window of %(release)s closed on %(when)s.")
            % {"release": release, "when": closing_text(tally.closes_at)}
        )
    if now < tally.opens_at:
        raise ReportRefused(
            _("Reports on %(release)s open on %(when)s.") % {"release": release, "when": _when(tally.opens_at)}
        )
    report = Report(release=release, fan=fan, created_at=now, **fields)
    # One statement, whoever else writes the same report at the same time:
    # INSERT ... ON CONFLICT (release_id, fan_id) DO UPDATE.
    Report.objects.bulk_create(
        [report], update_conflicts=True, unique_fields=["release", "fan"], update_fields=list(fields)
    )
    # Points for taking part, once per release however often the report is changed (honour.points).
    points.grant_points(user_id=fan.pk, kind=points.Kind.REPORT_FILED, cause=release, now=now)
    return report


def _hold_window(release_id: int) -> ReleaseTally:
    """The release's tally row, read and held FOR SHARE until commit (see the module docstring).
    Django's select_for_update takes only exclusive locks, which would queue the submissions."""
    table = connection.ops.quote_name(ReleaseTally._meta.db_table)
    lock = " FOR SHARE" if connection.features.has_select_for_update else ""
    return ReleaseTally.objects.raw(f"SELECT * FROM {table} WHERE release_id = %s{lock}", [release_id])[0]
