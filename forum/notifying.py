"""Telling fans about a new post: the thread's followers, and whoever it @mentions.

Runs in Celery tasks, never in the request: a thread may have thousands of
followers. A new thread's mentions are told by a job its commit queues
(forum.posting); replies are told a thread at a time, several together when
they come fast (forum.telling). Safe to run again, whole or in part: the
notifications are unique per (recipient, key).

What is checked here, at task time, not when the post was written: the post
and its thread are still visible, and each recipient may still read the
thread's board. A mentioned follower is told once, about the mention.
"""

import html

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.html import strip_tags
from django.utils.text import Truncator

from forum import posting
from forum.models import Like, Post, Thread, ThreadFollow
from forum.rendering import may_mention, render_post
from notifications.delivery import Addition, Notice, notify_consolidated, notify_each
from notifications.models import Kind

User = get_user_model()

# Followers per transaction of notifications (one INSERT per post told about in it).
FOLLOWER_BATCH = 500
# Characters of a post shown under its notification.
SNIPPET_CHARS = 140


def notify_about_post(*, post_id: int) -> int:
    """Notify the mentioned and the followers of ``post_id``; returns how many were offered."""
    thread_id = Post.objects.filter(pk=post_id).values_list("thread_id", flat=True).first()
    return 0 if thread_id is None else notify_about_posts(thread_id=thread_id, post_ids=[post_id])


def notify_about_posts(*, thread_id: int, post_ids: list[int], consolidate: bool = False) -> int:
    """Notify the mentioned and the followers of these posts of one thread, together (forum.telling
    gathers a busy thread's replies): one walk over the followers and one transaction per batch of
    them for all the posts. Returns how many were offered.

    ``consolidate``: the replies are one notification per follower ("12
    replies in …") instead of one per (follower, reply), and a follower with
    an unread line of the thread is not mailed again (forum.telling).
    """
    thread = Thread.objects.select_related("board").filter(pk=thread_id).first()
    if thread is None or thread.hidden:
        return 0
    posts = list(
        Post.objects.select_related("author")
        .filter(pk__in=post_ids, thread=thread, hidden=False, deleted_at=None)
        .order_by("pk")
    )
    if not posts:
        return 0
    role_ids = list(thread.board.read_roles.values_list("pk", flat=True))
    may_read = _readers(role_ids)
    about = {}
    for post in posts:
        post.thread = thread
        about[post.pk] = {"actor": post.author.shown_name, "thread": thread.title, "snippet": post_snippet(post)}
    mentioned = {post.pk: _mentioned_user_ids(post, may_read) for post in posts}
    offered = notify_each(
        kind=Kind.MENTION,
        group=f"mention:thread:{thread.pk}",
        notices=[
            Notice(
                f"mention:{post.pk}",
                about[post.pk],
                post.get_absolute_url(),
                sorted(mentioned[post.pk]),
                post.author_id,
            )
            for post in posts
            if mentioned[post.pk]
        ],
    )
    replies = [post for post in posts if post.floor != 1]
    if not replies:
        return offered

    # Keyset walk over the unique (thread, user) index: one batch in memory.
    followers = (
        ThreadFollow.objects.filter(thread=thread)
        .filter(_readers(role_ids, prefix="user__"))
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    group = f"reply:thread:{thread.pk}"
    # Who wrote one of the replies or is mentioned in one is told about the others only; everyone else
    # about all of them (one shared value: one UPDATE or INSERT for them all).
    own = {post.author_id for post in replies}.union(*(mentioned[post.pk] for post in replies))
    shared = _addition(replies, about)
    last_id = 0
    while batch := list(followers.filter(user_id__gt=last_id)[:FOLLOWER_BATCH]):
        last_id = batch[-1]
        if not consolidate:
            offered += notify_each(
                kind=Kind.REPLY,
                group=group,
                notices=[
                    Notice(
                        f"post:{post.pk}",
                        about[post.pk],
                        post.get_absolute_url(),
                        # A mentioned follower is told once, about the mention; no one about their own reply.
                        [
                            user_id
                            for user_id in batch
                            if user_id != post.author_id and user_id not in mentioned[post.pk]
                        ],
                        post.author_id,
                    )
                    for post in replies
                ],
            )
            continue
        additions = {}
        for user_id in batch:
            if user_id not in own:
                additions[user_id] = shared
            elif theirs := [p for p in replies if p.author_id != user_id and user_id not in mentioned[p.pk]]:
                additions[user_id] = _addition(theirs, about)
        offered += notify_consolidated(
            kind=Kind.REPLY, group=group, key=f"replies:{replies[0].pk}", additions=additions
        )
    return offered


def _addition(posts: list[Post], about: dict) -> Addition:
    """These replies as one addition to a follower's line: their number, the latest shown, the first linked."""
    latest = posts[-1]
    return Addition(
        count=len(posts),
        params=about[latest.pk],
        url=posts[0].get_absolute_url(),
        actor_id=latest.author_id,
        at=latest.created_at,
        people=tuple(post.author_id for post in reversed(posts)),
    )


def notify_about_like(*, post_id: int, user_id: int) -> int:
    """Tell the post's author that ``user_id`` liked it (jobs queued one per like before forum.telling
    gathered them); returns how many were offered (0 or 1)."""
    thread_id = Post.objects.filter(pk=post_id).values_list("thread_id", flat=True).first()
    return 0 if thread_id is None else notify_about_likes(thread_id=thread_id, likes=[(post_id, user_id)])


def notify_about_likes(*, thread_id: int, likes: list[tuple[int, int]]) -> int:
    """Tell the authors of posts of ``thread_id`` about these (post id, liker id) likes, together
    (forum.telling gathers a busy thread's); returns how many were offered.

    Once per post and liker, however often they unlike and like again: the key
    "like:<post>:<liker>" is unique per recipient. Nothing for a like taken
    back before this ran, a post or thread hidden or deleted, or an author who
    may no longer read the board. All likes of a post are one line of the page.
    The same queries and one transaction whatever the number of likes (a test counts them).
    """
    thread = Thread.objects.select_related("board").filter(pk=thread_id).first()
    if thread is None or thread.hidden or not likes:
        return 0
    posts = {
        post.pk: post
        for post in Post.objects.filter(
            pk__in={post_id for post_id, _user in likes}, thread=thread, hidden=False, deleted_at=None
        )
    }
    alive = {
        (like.post_id, like.user_id): like
        for like in Like.objects.select_related("user").filter(
            post_id__in=list(posts), user_id__in={user_id for _post, user_id in likes}
        )
    }
    role_ids = list(thread.board.read_roles.values_list("pk", flat=True))
    readers = set(
        User.objects.filter(_readers(role_ids), pk__in={post.author_id for post in posts.values()}).values_list(
            "pk", flat=True
        )
    )
    about: dict[int, dict] = {}
    notices = []
    for post_id, user_id in likes:
        post, like = posts.get(post_id), alive.get((post_id, user_id))
        if post is None or like is None or user_id == post.author_id or post.author_id not in readers:
            continue
        if post_id not in about:
            post.thread = thread
            about[post_id] = {"thread": thread.title, "snippet": post_snippet(post)}
        notices.append(
            Notice(
                f"like:{post_id}:{user_id}",
                {"actor": like.user.shown_name, **about[post_id]},
                post.get_absolute_url(),
                [post.author_id],
                user_id,
                group=f"like:post:{post_id}",
            )
        )
    return notify_each(kind=Kind.LIKE, group="", notices=notices)


def post_snippet(post: Post) -> str:
    """The start of the post as plain text, for a notification (kept with it: shown as text, never as HTML):
    its entities decoded, or a "&nbsp;" would show as those six characters."""
    return Truncator(" ".join(html.unescape(strip_tags(post.html)).split())).chars(SNIPPET_CHARS)


def _readers(role_ids: list[int], prefix: str = "") -> Q:
    """Users who may read a board with these read roles: forum.access.may_read
    as a filter (``prefix="user__"`` to apply it from a row with a user)."""
    active = Q(**{f"{prefix}is_active": True})
    if not role_ids:
        return active
    return active & (Q(**{f"{prefix}is_superuser": True}) | Q(**{f"{prefix}groups__in": role_ids}))


def _mentioned_user_ids(post: Post, may_read: Q) -> set[int]:
    """The accounts @named in the post as it is now (rendered again: the stored
    HTML keeps no list), minus its author and anyone who cannot read the thread."""
    if not may_mention(post.source):
        return set()  # no @ at all: not rendered again (most replies)
    names = render_post(post.source, mention_exists=posting.existing_usernames).mentions
    if not names:
        return set()
    return set(
        User.objects.annotate(key=Lower("username"))
        .filter(may_read, key__in=[name.lower() for name in names])
        .exclude(pk=post.author_id)
        .values_list("pk", flat=True)
        .distinct()
    )
