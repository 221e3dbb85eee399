"""What each forum page reads: all select_related/prefetch_related in one
place, so templates never query and each page's query count is fixed."""

from django.core.paginator import Paginator
from django.db.models import Prefetch

from forum import access
from forum.models import Board, Like, Post, Thread

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20


def board_list(user):
    boards = list(
        Board.objects.visible_to(user).filter(parent=None).prefetch_related(
            Prefetch("children", queryset=Board.objects.visible_to(user))
        )
    )
    return boards


def board_page(user, board: Board, page_number):
    threads = (
        Thread.objects.visible_to(user, moderator=access.is_moderator(user))
        .filter(board=board)
        .select_related("author", "last_poster")
        .order_by("-pinned", "-last_activity_at", "-id")
    )
    return Paginator(threads, THREADS_PER_PAGE).get_page(page_number)


def visible_posts(user, thread: Thread):
    posts = Post.objects.filter(thread=thread)
    if not access.is_moderator(user):
        posts = posts.filter(hidden=False, deleted_at=None)
    return posts


def thread_page(user, thread: Thread, page_number):
    posts = visible_posts(user, thread).select_related("author").prefetch_related("author__groups").order_by("id")
    page = Paginator(posts, POSTS_PER_PAGE).get_page(page_number)
    liked = set()
    if user.is_authenticated:
        liked = set(Like.objects.filter(user=user, post__in=[p.pk for p in page]).values_list("post_id", flat=True))
    for post in page:
        post.liked = post.pk in liked
    return page


def page_of_post(user, post: Post) -> int:
    """The thread page a post is on, counting only posts this user can see."""
    before = visible_posts(user, post.thread).filter(id__lt=post.pk).count()
    return before // POSTS_PER_PAGE + 1
