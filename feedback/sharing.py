"""A Popcorn Award's share card and picture (canyu/sharing.py, canyu/cardimages.py). Only the frozen
result is public, so only it is shared: before the freeze, the card says what the award is about."""

from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from canyu.cardimages import Card
from canyu.sharing import ShareCard, share_card
from feedback.models import Award, ItemTally, ReleaseTally
from releases.models import Release

CARD_ITEMS = 3


def award_title(release: Release) -> str:
    return _("Popcorn Award · %(product)s %(version)s") % {"product": release.product.name, "version": release.version}


def _share(top: ItemTally, reports: int) -> int:
    return round(100 * top.loved / reports) if reports else 0


def _result_text(top: ItemTally, reports: int) -> str:
    return ngettext(
        "%(title)s: loved most by %(share)s %% of the %(reports)s fan who reported on this build.",
        "%(title)s: loved most by %(share)s %% of the %(reports)s fans who reported on this build.",
        reports,
    ) % {"title": top.title, "share": _share(top, reports), "reports": reports}


def _loved_text(top: ItemTally, reports: int) -> str:
    return ngettext(
        "Loved most by %(share)s %% of %(reports)s reporter",
        "Loved most by %(share)s %% of %(reports)s reporters",
        reports,
    ) % {"share": _share(top, reports), "reports": reports}


def award_share_card(page: dict) -> ShareCard:
    """The card of the award page, from what award_page read: the frozen result, or the release."""
    release, standings = page["release"], page["standings"]
    if page["state"] == "frozen" and page["winners"] and standings.items:
        description = _result_text(standings.items[0], standings.reports)
    else:
        description = _("What fans loved most in %(product)s %(version)s, from their four-cell reports: %(title)s") % {
            "product": release.product.name,
            "version": release.version,
            "title": release.title,
        }
    return share_card(
        title=award_title(release),
        description=description,
        path=reverse("feedback:award", args=[release.product.slug, release.version]),
        image_path=reverse("feedback:award_card", args=[release.product.slug, release.version]),
    )


def award_picture(release: Release) -> Card:
    """The winner and the runners-up once frozen; the release's title before."""
    tally = ReleaseTally.objects.filter(release=release, frozen_at__isnull=False).first()
    heading = f"{release.product.name} {release.version}"
    if tally is None:
        return Card(kicker=_("Popcorn Award"), title=heading, lines=(release.title,), footer=_("Canyu"))
    items = list(ItemTally.objects.filter(release=release).order_by("rank")[:CARD_ITEMS])
    engineers = list(Award.objects.filter(release=release).select_related("engineer").order_by("engineer__username"))
    lines = []
    if engineers and items:
        lines.append(items[0].title)
        lines.append(_("By %(engineers)s") % {"engineers": ", ".join(a.engineer.shown_name for a in engineers)})
        lines.append(_loved_text(items[0], tally.report_count))
        lines.extend(f"{item.rank}. {item.title}" for item in items[1:])
    else:
        lines.append(
            ngettext(
                "No award this week: %(reports)s report came in.",
                "No award this week: %(reports)s reports came in.",
                tally.report_count,
            )
            % {"reports": tally.report_count}
        )
    return Card(kicker=_("Popcorn Award"), title=heading, lines=tuple(lines), footer=_("Canyu"))
