"""A thread's share card (canyu/sharing.py): its title, and its first post as plain text. Ideas are
threads, so an idea shares the same way. The card is in the page's head, which shared shells hold
(forum/shells.py): it is made from the thread alone, never from the reader."""

from canyu.sharing import ShareCard, share_card
from forum.models import Post, Thread


def opening_text(thread: Thread, rows: list[dict]) -> str:
    """The first post's rendered text, if fans see it: taken from the page's rows when the page starts
    with it (page 1: no query), else read (one query, on later pages only)."""
    if rows and rows[0]["floor"] == 1:
        first = rows[0]
        return "" if first["hidden"] or first["deleted_at"] else first["html"]
    return (Post.objects.filter(thread=thread, floor=1, hidden=False, deleted_at=None)
            .values_list("html", flat=True).first() or "")


def thread_share_card(thread: Thread, rows: list[dict]) -> ShareCard:
    opening = opening_text(thread, rows)
    return share_card(title=thread.title, description=opening or thread.board.name, markup=bool(opening),
                      path=thread.get_absolute_url())
