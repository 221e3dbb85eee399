"""The Popcorn Award: granted to the engineers of a release's top item when its result is frozen,
posted in the release's announcement thread, told to the winners; and the seasons (quarters).

``grant_popcorn_award`` runs inside feedback.tally.freeze_release's transaction,
so the award, the result post and the winners' notifications exist exactly
when the frozen result does: once. No award when fewer reports came in than
VOTING_AWARD_MIN_REPORTS (the minimum in force is stored with the result), or
for a release withdrawn meanwhile.
"""

import logging
import re
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from feedback.models import Award, ReleaseTally
from forum import posting
from forum.models import Post
from notifications.delivery import notify
from notifications.models import Kind as NotificationKind
from releases.models import Release
from releases.scheduling import in_shanghai

logger = logging.getLogger(__name__)

SEASON_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


def season_of(moment: datetime) -> str:
    """The quarter of ``moment`` in Beijing time: "2026Q4"."""
    local = in_shanghai(moment)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def season_name(season: str) -> str:
    """ "2026Q4" as people write it: 2026 年第 4 季度, Q4 2026. Anything else is shown as it is."""
    match = SEASON_PATTERN.match(season or "")
    if match is None:
        return season
    return _("Q%(quarter)s %(year)s") % {"year": match[1], "quarter": match[2]}


def season_from(value: str | None, *, default: str) -> str:
    """The season asked for in ``?season=``; anything malformed means ``default``."""
    return value if value and SEASON_PATTERN.match(value) else default


def neighbour_seasons(season: str) -> tuple[str, str]:
    """The quarters before and after ``season``."""
    match = SEASON_PATTERN.match(season)
    if match is None:  # season_from() gives only matching ones
        raise ValueError(f"not a season: {season!r}")
    year, quarter = (int(part) for part in match.groups())
    index = year * 4 + quarter - 1
    before, after = index - 1, index + 1
    return f"{before // 4}Q{before % 4 + 1}", f"{after // 4}Q{after % 4 + 1}"


def award_url(release: Release) -> str:
    return reverse("feedback:award", args=[release.product.slug, release.version])


def grant_popcorn_award(*, release: Release, ranked: list, reports: int, now: datetime) -> list[Award]:
    """Inside freeze_release's transaction: the award to each engineer of the top item (if the
    release earned one), the result in the announcement thread, the winners told. Returns the awards."""
    min_reports = settings.VOTING_AWARD_MIN_REPORTS
    top = ranked[0] if ranked else None
    awards, engineers = [], []
    # Only a published release earns one, and it has its time (releases_published_has_time).
    published_at = release.published_at if release.state == Release.State.PUBLISHED else None
    if top and reports >= min_reports and published_at is not None:
        engineers = list(top.item.owners.order_by("username"))
        season = season_of(published_at)
        awards = Award.objects.bulk_create(
            [
                Award(release=release, item=top.item, engineer=engineer, season=season, score=top.score, granted_at=now)
                for engineer in engineers
            ]
        )
        ReleaseTally.objects.filter(pk=release.pk).update(awarded_item=top.item)
        notify(
            recipient_ids=[engineer.pk for engineer in engineers],
            kind=NotificationKind.AWARD,
            key=f"award:{release.pk}",
            url=award_url(release),
            params={"item": top.item.title, "product": release.product.name, "version": release.version},
        )
    post = post_result(release=release, ranked=ranked, reports=reports, engineers=engineers, min_reports=min_reports)
    if post is not None:
        ReleaseTally.objects.filter(pk=release.pk).update(result_post=post)
    return awards


def post_result(*, release: Release, ranked: list, reports: int, engineers: list, min_reports: int) -> Post | None:
    """The result as a reply in the announcement thread, written in the site's language in the name
    of the admin who prepared the release. None when there is no thread or no author to post it."""
    if release.announcement is None or release.created_by is None or release.state != Release.State.PUBLISHED:
        logger.info("Release %s: no announcement thread or author; the result is not posted", release.pk)
        return None
    with translation.override(settings.LANGUAGE_CODE):
        source = result_markdown(
            release=release, ranked=ranked, reports=reports, engineers=engineers, min_reports=min_reports
        )
    return posting.add_reply(thread=release.announcement, author=release.created_by, source=source)


def _escape(text: str) -> str:
    """Titles go into Markdown: no accidental tables, links or emphasis."""
    return "".join("\\" + char if char in "\\`*_[]|<>#" else char for char in text.replace("\n", " "))


def _share(picks: int, reports: int) -> int:
    """Whole per cent of the reporters, rounded as the pages round it ({% widthratio %})."""
    return round(picks * 100 / reports) if reports else 0


def result_markdown(*, release: Release, ranked: list, reports: int, engineers: list, min_reports: int) -> str:
    lines = [f"## {_('Popcorn Award')} · {_escape(release.product.name)} {_escape(release.version)}", ""]
    if engineers:
        top = ranked[0]
        lines.append(
            ngettext(
                "The Popcorn Award goes to **%(item)s** by %(engineers)s: loved most by %(share)d %% of the "
                "%(reports)d fan who reported on this build.",
                "The Popcorn Award goes to **%(item)s** by %(engineers)s: loved most by %(share)d %% of the "
                "%(reports)d fans who reported on this build.",
                reports,
            )
            % {
                "item": _escape(top.item.title),
                "engineers": ", ".join(f"@{engineer.username}" for engineer in engineers),
                "share": _share(top.loved, reports),
                "reports": reports,
            }
        )
    elif reports < min_reports:
        lines.append(
            ngettext(
                "No Popcorn Award this week: %(reports)d report came in, fewer than the %(min)d it needs.",
                "No Popcorn Award this week: %(reports)d reports came in, fewer than the %(min)d it needs.",
                reports,
            )
            % {"reports": reports, "min": min_reports}
        )
    else:
        lines.append(_("No Popcorn Award this week."))
    if reports:
        lines += [
            "",
            f"### {_('Top ten')}",
            "",
            f"| # | {_('Update')} | {_('Loved most')} | {_('Weakest')} |",
            "|---|---|---|---|",
        ]
        for result in ranked[:10]:
            lines.append(
                f"| {result.rank} | {_escape(result.item.title)} | {_share(result.loved, reports)} % "
                f"({result.loved}) | {_share(result.weakest, reports)} % ({result.weakest}) |"
            )
    lines += ["", _("[The whole result, and how the score works](%(url)s)") % {"url": award_url(release)}]
    return "\n".join(lines)
