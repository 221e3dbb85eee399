"""Telling fans about a new post: the thread's followers, and whoever it @mentions.

Runs in a Celery task queued when the post commits (forum.posting), never in
the request: a thread may have thousands of followers. Safe to run again,
whole or in part: notify() inserts only missing (recipient, key) rows.

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
from forum.models import Like, Post, ThreadFollow
from forum.rendering import may_mention, render_post
from notifications.delivery import notify
from notifications.models import Kind

User = get_user_model()

# Followers per notify() call: one INSERT and one transaction each.
FOLLOWER_BATCH = 500
# Characters of a post shown under its notification.
SNIPPET_CHARS = 140


def notify_about_post(*, post_id: int) -> int:
    """Notify the mentioned and the followers of ``post_id``; returns how many were offered."""
    post = Post.objects.select_related("thread__board", "author").filter(pk=post_id).first()
    if post is None or post.hidden or post.deleted_at or post.thread.hidden:
        return 0
    thread = post.thread
    role_ids = list(thread.board.read_roles.values_list("pk", flat=True))
    params = {"actor": post.author.shown_name, "thread": thread.title, "snippet": post_snippet(post)}
    url = post.get_absolute_url()

    mentioned = _mentioned_user_ids(post, _readers(role_ids))
    offered = 0
    if mentioned:
        offered += notify(
            recipient_ids=mentioned,
            kind=Kind.MENTION,
            key=f"mention:{post.pk}",
            params=params,
            url=url,
            group=f"mention:thread:{thread.pk}",
            actor_id=post.author_id,
        )
    if post.floor == 1:
        return offered  # a thread's first post is not a reply; its only follower is its author

    # Keyset walk over the unique (thread, user) index: one batch in memory.
    followers = (
        ThreadFollow.objects.filter(thread=thread)
        .exclude(user_id=post.author_id)
        .filter(_readers(role_ids, prefix="user__"))
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    last_id = 0
    while batch := list(followers.filter(user_id__gt=last_id)[:FOLLOWER_BATCH]):
        last_id = batch[-1]
        recipients = [user_id for user_id in batch if user_id not in mentioned]
        offered += notify(
            recipient_ids=recipients,
            kind=Kind.REPLY,
            key=f"post:{post.pk}",
            params=params,
            url=url,
            group=f"reply:thread:{thread.pk}",
            actor_id=post.author_id,
        )
    return offered


def notify_about_like(*, post_id: int, user_id: int) -> int:
    """Tell the post's author that ``user_id`` liked it; returns how many were offered (0 or 1).

    Once per post and liker, however often they unlike and like again: the key
    "like:<post>:<liker>" is unique per recipient. Nothing if the like was taken
    back before this ran, the post or thread is hidden or deleted, or the author
    may no longer read the board. All likes of a post are one line of the page.
    """
    post = Post.objects.select_related("thread__board", "author").filter(pk=post_id).first()
    if post is None or post.hidden or post.deleted_at or post.thread.hidden:
        return 0
    like = Like.objects.select_related("user").filter(post_id=post_id, user_id=user_id).first()
    if like is None or like.user_id == post.author_id:
        return 0
    role_ids = list(post.thread.board.read_roles.values_list("pk", flat=True))
    if not User.objects.filter(_readers(role_ids), pk=post.author_id).exists():
        return 0
    return notify(
        recipient_ids=[post.author_id],
        kind=Kind.LIKE,
        key=f"like:{post.pk}:{user_id}",
        params={"actor": like.user.shown_name, "thread": post.thread.title, "snippet": post_snippet(post)},
        url=post.get_absolute_url(),
        group=f"like:post:{post.pk}",
        actor_id=user_id,
    )


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
