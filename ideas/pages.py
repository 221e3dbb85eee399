"""What each ideas page reads: all select_related/prefetch_related in one place, so templates never
query and each page's query count is fixed (voting.tests pin them)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from ideas.models import CLOSED, Idea, IdeaVote, StatusChange
from ideas.statuses import MANAGE_IDEAS


def may_manage(user) -> bool:
    return user.is_authenticated and user.has_perm(MANAGE_IDEAS)


def _with_release_and_engineers(ideas):
    engineers = Prefetch("changelog_item__owners", queryset=get_user_model().objects.order_by("username"))
    return ideas.select_related(
        "thread",
        "product",
        "area",
        "target_release__product",
        "changelog_item__release__product",
        "merged_into__thread",
    ).prefetch_related(engineers)


def idea_of_thread(user, thread) -> Idea | None:
    """The idea of a thread the caller already may read, with its release (engineers: panel_context)."""
    idea = (
        Idea.objects.filter(thread=thread)
        .select_related(
            "product", "area", "target_release__product", "changelog_item__release__product", "merged_into__thread"
        )
        .first()
    )
    if idea is not None:
        idea.thread = thread  # the caller's, with its board: no second read
    return idea


def voted_ids(user, idea_ids: list[int]) -> set[int]:
    """Which of these ideas the user voted for: one query, none for anonymous visitors."""
    if not user.is_authenticated or not idea_ids:
        return set()
    return set(IdeaVote.objects.filter(user=user, idea__in=idea_ids).values_list("idea_id", flat=True))


def panel_context(user, idea: Idea) -> dict:
    """Three queries whatever the idea: its history, its engineers (none without an item), the user's vote."""
    history = list(StatusChange.objects.filter(idea=idea).select_related("by").order_by("at", "id"))
    engineers = list(
        get_user_model().objects.filter(changelog_items__in=[idea.changelog_item_id or 0]).order_by("username")
    )
    return {
        "engineers": engineers,
        "idea": idea,
        "voted": idea.pk in voted_ids(user, [idea.pk]),
        "history": history,
        "closed": idea.status in CLOSED,
        "may_manage": may_manage(user),
        "item": idea.changelog_item if idea.changelog_item_id else None,
    }


IDEAS_PER_PAGE = 20
SORTS = {
    "top": ["-vote_count", "-id"],
    "trending": ["-trending_score", "-id"],
    "new": ["-created_at", "-id"],
}
ROADMAP_SHIPPED_DAYS = 30
ROADMAP_COLUMN_MAX = 50


class IdeaPage:
    """A page of an ideas list, without a COUNT(*): 21 rows are read to know whether a next page exists."""

    def __init__(self, ideas: list[Idea], number: int, has_next: bool):
        self.ideas, self.number, self.has_next = ideas, number, has_next

    def __iter__(self):
        return iter(self.ideas)

    def __len__(self):
        return len(self.ideas)


def page_number(raw) -> int:
    """A page number from the query string; anything that is not one is page 1."""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 10_000)


def idea_list(*, product, sort: str, status: str | None, area_id: int | None, number: int) -> IdeaPage:
    """One page of the product's ideas, the same for every reader (ideas.listcache caches it). One query."""
    ideas = Idea.objects.filter(product=product)
    if status:
        ideas = ideas.filter(status=status)
    else:
        ideas = ideas.exclude(status=Idea.Status.DUPLICATE)
    if area_id:
        ideas = ideas.filter(area_id=area_id)
    start = (number - 1) * IDEAS_PER_PAGE
    rows = list(ideas.select_related("thread", "area").order_by(*SORTS[sort])[start : start + IDEAS_PER_PAGE + 1])
    return IdeaPage(rows[:IDEAS_PER_PAGE], number, len(rows) > IDEAS_PER_PAGE)


def roadmap(product, *, now) -> dict[str, list[Idea]]:
    """Planned and in-build ideas by release date, and those shipped in the last 30 days. Two queries."""
    recent = now - timedelta(days=ROADMAP_SHIPPED_DAYS)
    ideas = _with_release_and_engineers(
        Idea.objects.filter(product=product).filter(
            Q(status__in=[Idea.Status.PLANNED, Idea.Status.IN_BUILD])
            | Q(status=Idea.Status.SHIPPED, status_changed_at__gte=recent)
        )
    ).order_by("target_release__publish_at", "-vote_count", "-id")
    # Keyed by str: looked up with the status read from each row.
    columns: dict[str, list[Idea]] = {Idea.Status.PLANNED: [], Idea.Status.IN_BUILD: [], Idea.Status.SHIPPED: []}
    for idea in ideas:
        if len(columns[idea.status]) < ROADMAP_COLUMN_MAX:
            columns[idea.status].append(idea)
    # Every shipped idea listed has its time (the filter above); `or recent` only tells mypy so.
    columns[Idea.Status.SHIPPED].sort(key=lambda idea: idea.status_changed_at or recent, reverse=True)
    return {
        "planned": columns[Idea.Status.PLANNED],
        "in_build": columns[Idea.Status.IN_BUILD],
        "shipped": columns[Idea.Status.SHIPPED],
    }
