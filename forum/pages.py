"""What each forum page reads: all select_related/prefetch_related in one
place, so templates never query and each page's query count is fixed.

The board and thread pages read plain rows (``values()``), not model
instances: twenty posts with their authors cost a third as much to load that
way, and the rows feed forum.fragments, which renders (or finds in the cache)
each post and thread row from exactly those values.
"""

from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery

from accounts.models import User
from accounts.roles import Role
from canyu import compiledqueries
from forum import access
from forum.models import Board, Like, Post, Thread, ThreadRead

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20

# What a post shows of itself and of its author (forum/_post.html via forum.fragments).
POST_COLUMNS = (
    "id",
    "floor",
    "html",
    "created_at",
    "edited_at",
    "hidden",
    "deleted_at",
    "like_count",
    "author_id",
    "author__username",
    "author__display_name",
    "author__avatar",
    "author__phone_model",
    "author__post_count",
    "author__standing__level",  # honour.levels: the level beside the name (a join, not a query)
    "author__standing__shown_medals",  # and the medals they show (honour.medals.shown_medals)
)
# What a board row shows of its thread (forum/_thread_row.html via forum.fragments).
THREAD_COLUMNS = (
    "id",
    "title",
    "pinned",
    "locked",
    "hidden",
    "reply_count",
    "view_count",
    "last_activity_at",
    "author__username",
    "author__display_name",
    "last_poster__username",
    "last_poster__display_name",
)


def board_list(user):
    boards = list(
        Board.objects.visible_to(user)
        .filter(parent=None)
        .prefetch_related(Prefetch("children", queryset=Board.objects.visible_to(user)))
    )
    return boards


def board_page(user, board: Board, page_number):
    """A page of the board's threads as rows of THREAD_COLUMNS plus ``unread`` (always False for visitors).

    The OFFSET reads only the board's index (forum_thread_board_visible, or forum_thread_board_order
    for moderators): page 500 skips 9 980 index entries, no table row, no join and no read mark; only
    the page's 20 threads are then read with their authors. The count comes from Board.thread_count,
    less the hidden threads for fans. The reader's read marks come in the same query as the rows (one
    subquery per row), not a second one.
    """
    moderator = access.is_moderator(user)
    threads = (
        Thread.objects.visible_to(user, moderator=moderator)
        .filter(board=board)
        .order_by("-pinned", "-last_activity_at", "-id")
    )
    marks = {}
    if user.is_authenticated:
        marks["read_at"] = Subquery(
            ThreadRead.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_at")[:1]
        )
    # Not a COUNT(*) of the board's threads (10-20 ms for 24 000 of them here): its counter, which counts hidden
    # threads too (forum.recounting), less those for fans, read from forum_thread_board_hidden.
    hidden = 0 if moderator else Thread.objects.filter(board=board, hidden=True).count()
    page = Paginator(range(max(board.thread_count - hidden, 0)), THREADS_PER_PAGE).get_page(page_number)
    start = (page.number - 1) * THREADS_PER_PAGE
    on_page = threads.values("id")[start : start + THREADS_PER_PAGE]
    page.object_list = [_with_unread(row) for row in threads.filter(id__in=on_page).values(*THREAD_COLUMNS, **marks)]
    return page


def _with_unread(row: dict) -> dict:
    """Threads with posts newer than the fan's mark are unread; so are threads never opened."""
    if "read_at" not in row:
        return {**row, "unread": False}
    read_at = row.pop("read_at")
    row["unread"] = read_at is None or row["last_activity_at"] > read_at
    return row


def visible_posts(user, thread: Thread):
    posts = Post.objects.filter(thread=thread)
    if not access.is_moderator(user):
        posts = posts.filter(hidden=False, deleted_at=None)
    return posts


def unseen_floors(thread_id: int):
    """The thread's posts fans do not see, deleted or hidden: few, and read from forum_post_unseen_floors alone."""
    return Post.objects.filter(Q(hidden=True) | Q(deleted_at__isnull=False), thread_id=thread_id)


def thread_page(user, thread: Thread, page_number, *, likes: bool = True):
    """A page of the thread's posts as rows of POST_COLUMNS plus the author's ``badge`` (a role name or None)
    and whether the reader ``liked`` it (always False without ``likes``: a shell shared by many readers
    fills each one's likes itself).

    Page N holds the visible posts N·20-19 to N·20 in floor order, as an OFFSET over them would, but
    read as a range of floors: moderators see every post, so their page N starts at floor N·20-19;
    fans' page starts that many visible posts in, found from the floors they do not see
    (``first_floor``, one query reading that short list, which stands in for a COUNT, and none when the
    thread's counters say there are none). Either way the posts come from the forum_post_one_per_floor
    index from that floor on, at the cost of page 1.

    Then plain queries (posts with authors, compiled once: canyu.compiledqueries; the authors' roles;
    the reader's likes): cheaper to build and run than one with a subquery per row.
    """
    moderator = access.is_moderator(user)
    unseen = (
        []
        if moderator or not has_unseen_posts(thread)
        else list(unseen_floors(thread.pk).order_by("floor").values_list("floor", flat=True))
    )
    page = Paginator(range(thread.last_floor - len(unseen)), POSTS_PER_PAGE).get_page(page_number)
    start = first_floor(seen_before=(page.number - 1) * POSTS_PER_PAGE, unseen=unseen)
    rows = compiledqueries.value_rows(
        # The page's size is in its SQL (LIMIT), and its filters depend on the reader.
        f"forum.pages.thread_page:{POSTS_PER_PAGE}:{'moderator' if moderator else 'fan'}",
        Post,
        lambda thread_id, floor: _posts_from(thread_id, floor, moderator=moderator),
        [thread.pk, start],
    )
    page.object_list = rows
    if not rows:
        return page
    badges = _badges({row["author_id"] for row in rows})
    liked = set()
    if likes and user.is_authenticated:
        liked = set(
            Like.objects.filter(user=user, post__in=[row["id"] for row in rows]).values_list("post_id", flat=True)
        )
    for row in rows:
        row["badge"] = badges.get(row["author_id"])
        row["liked"] = row["id"] in liked
    return page


def _posts_from(thread_id: int, floor: int, *, moderator: bool):
    """A page of posts from ``floor`` on, as fans or moderators see them."""
    # One filter() each, in the order of their values (a filter() sorts its keywords).
    posts = Post.objects.filter(thread_id=thread_id).filter(floor__gte=floor)
    if not moderator:
        posts = posts.filter(hidden=False, deleted_at=None)
    return posts.order_by("floor").values(*POST_COLUMNS)[:POSTS_PER_PAGE]


def has_unseen_posts(thread: Thread) -> bool:
    """Whether fans miss any of the thread's posts, by its counters: every floor ever taken (last_floor) is a
    post shown (reply_count + 1), deleted or hidden. Kept in the transactions that change them, rebuilt by
    the nightly recount (forum.recounting)."""
    return thread.last_floor != thread.reply_count + 1 or thread.hidden_posts > 0


def first_floor(*, seen_before: int, unseen: list[int]) -> int:
    """The floor of the first post after ``seen_before`` visible ones, when the floors in ``unseen`` (ascending)
    are not visible: each unseen floor at or before the candidate pushes it one floor on."""
    floor = seen_before + 1
    for skipped in unseen:
        if skipped > floor:
            break
        floor += 1
    return floor


def _badges(user_ids) -> dict[int, str]:
    """Each user's highest role name, ranked as accounts.roles.badge_of ranks them (the order of Role)."""
    rank = {role.value: index for index, role in enumerate(Role)}
    badges = {}
    memberships = User.groups.through.objects.filter(user_id__in=user_ids, group__name__in=rank)
    for user_id, name in memberships.values_list("user_id", "group__name"):
        if user_id not in badges or rank[name] < rank[badges[user_id]]:
            badges[user_id] = name
    return badges


def page_of_post(user, post: Post) -> int:
    """The thread page a post is on, counting only posts this user can see: the posts before its
    floor, less those the user does not see (a count over forum_post_unseen_floors)."""
    before = post.floor - 1
    if not access.is_moderator(user):
        before -= unseen_floors(post.thread_id).filter(floor__lt=post.floor).count()
    return before // POSTS_PER_PAGE + 1
