"""What the notifications page reads, in a fixed number of queries.

The page shows groups, not rows: every reply in a thread is one line ("5 replies
in “…”"), every like of a post another ("Ada and 3 others liked your post in
“…”"), with the latest few people, a snippet of the latest post, and whether
anything in it is unread. A notification made without a group is a line of its
own (notifications.delivery.notify).
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Min, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from canyu.text import isolate
from notifications.models import Kind, Notification

NOTIFICATIONS_PER_PAGE = 30
# People shown by name and avatar on a line, the latest first.
PEOPLE_SHOWN = 3
# Rows read per group to find them (a person who replied five times counts once).
ROWS_FOR_PEOPLE = 12


@dataclass
class NotificationGroup:
    latest: Notification
    # Where the line leads: the first unread notification of the group, else the latest.
    target: Notification
    total: int
    unread: int
    people_count: int
    people: list = field(default_factory=list)

    @property
    def is_unread(self) -> bool:
        return self.unread > 0

    @property
    def kind(self) -> str:
        return self.latest.kind

    @property
    def snippet(self) -> str:
        return self.latest.params.get("snippet", "") if isinstance(self.latest.params, dict) else ""

    @property
    def message_html(self) -> SafeString:
        """The line's sentence, every name and title in its own ``<bdi>``."""
        if self.total == 1:
            return self.latest.message_html
        params = self.latest.params if isinstance(self.latest.params, dict) else {}
        if self.kind == Kind.MEDAL:
            sentence = ngettext(
                "You received %(count)s medal, the latest “%(medal)s”",
                "You received %(count)s medals, the latest “%(medal)s”",
                self.total,
            )
            return mark_safe(
                conditional_escape(sentence) % {"count": self.total, "medal": isolate(params.get("medal", ""))}
            )
        thread = params.get("thread")
        if thread is None or self.kind not in (Kind.REPLY, Kind.MENTION, Kind.LIKE):
            return self.latest.message_html
        actor = self.latest.actor.shown_name if self.latest.actor else params.get("actor", "")
        others = max(self.people_count - 1, 0)
        values = {"count": self.total, "others": others, "actor": isolate(actor), "thread": isolate(thread)}
        if self.kind == Kind.REPLY:
            sentence = ngettext("%(count)s reply in “%(thread)s”", "%(count)s replies in “%(thread)s”", self.total)
        elif others == 0 and self.kind == Kind.MENTION:
            sentence = ngettext(
                "%(actor)s mentioned you %(count)s time in “%(thread)s”",
                "%(actor)s mentioned you %(count)s times in “%(thread)s”",
                self.total,
            )
        elif self.kind == Kind.MENTION:
            sentence = ngettext(
                "%(actor)s and %(others)s other mentioned you in “%(thread)s”",
                "%(actor)s and %(others)s others mentioned you in “%(thread)s”",
                others,
            )
        elif others == 0:
            return self.latest.message_html  # one person's likes of one post: one like (the key is per liker)
        else:
            sentence = ngettext(
                "%(actor)s and %(others)s other liked your post in “%(thread)s”",
                "%(actor)s and %(others)s others liked your post in “%(thread)s”",
                others,
            )
        return mark_safe(conditional_escape(sentence) % values)

    @property
    def more_people(self) -> int:
        return max(self.people_count - len(self.people), 0)

    @property
    def unread_label(self) -> str:
        return ngettext("%(count)s new", "%(count)s new", self.unread) % {"count": self.unread}


def _groups(user):
    # One row per group, newest group first, on the index notifications_by_group.
    return (
        Notification.objects.filter(recipient=user)
        .values("group")
        .annotate(
            latest_at=Max("created_at"),
            latest_id=Max("id"),
            first_unread_id=Min("id", filter=Q(read_at__isnull=True)),
            # A row may stand for several replies (notifications.delivery.notify_consolidated).
            total=Sum("count"),
            unread=Coalesce(Sum("count", filter=Q(read_at__isnull=True)), 0),
            people_count=Count("actor", distinct=True),
        )
        .order_by("-latest_at", "-latest_id")
    )


def notification_page(user, page_number) -> Page:
    """One page of the user's notification groups, in five queries whatever their number:
    the count of groups, the page's groups, their latest (and first unread) notifications
    with their actors, and the latest few people of each group (two)."""
    page = Paginator(_groups(user), NOTIFICATIONS_PER_PAGE).get_page(page_number)
    rows = list(page.object_list)
    if not rows:
        page.object_list = []
        return page
    wanted = {row["latest_id"] for row in rows} | {row["first_unread_id"] for row in rows if row["first_unread_id"]}
    notifications = Notification.objects.select_related("actor").in_bulk(wanted)
    people = _latest_people(user, [row["group"] for row in rows])
    page.object_list = [
        NotificationGroup(
            latest=notifications[row["latest_id"]],
            target=notifications.get(row["first_unread_id"]) or notifications[row["latest_id"]],
            total=row["total"],
            unread=row["unread"],
            people_count=row["people_count"],
            people=people.get(row["group"], []),
        )
        for row in rows
        if row["latest_id"] in notifications  # not deleted since the page's groups were read
    ]
    return page


def _latest_people(user, groups: list[str]) -> dict[str, list]:
    """The latest PEOPLE_SHOWN different actors of each group, in two queries: the actors of the latest
    ROWS_FOR_PEOPLE rows of each group (a window over notifications_by_group), then the people. A row
    that stands for several replies names their latest people itself (params["people"]:
    notifications.delivery.notify_consolidated)."""
    rows = (
        Notification.objects.filter(recipient=user, group__in=groups, actor__isnull=False)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("group")], order_by=[F("created_at").desc(), F("id").desc()])
        )
        .filter(position__lte=ROWS_FOR_PEOPLE)
        .order_by("group", "position")
        .values_list("group", "actor_id", "params")
    )
    ids: dict[str, list[int]] = {}
    for group, actor_id, params in rows:
        named = params.get("people") if isinstance(params, dict) else None
        ids.setdefault(group, []).extend(
            [i for i in named if isinstance(i, int)] if isinstance(named, list) else [actor_id]
        )
    wanted = {actor_id for group_ids in ids.values() for actor_id in group_ids}
    found = get_user_model().objects.in_bulk(wanted) if wanted else {}
    people: dict[str, list] = {}
    for group, group_ids in ids.items():
        shown = people.setdefault(group, [])
        for actor_id in group_ids:
            if len(shown) < PEOPLE_SHOWN and actor_id in found and all(p.pk != actor_id for p in shown):
                shown.append(found[actor_id])
    return people
