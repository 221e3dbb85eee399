"""A thread's share card (canyu/sharing.py): its title, and its first post as plain text. Ideas are
threads, so an idea shares the same way. The card is in the page's head, which shared shells hold
(forum/shells.py): it is made from the thread and the page's rows alone, never from the reader.

Page 1 is the thread: its first post is the opening one. A later page describes itself (its address
and its own first post): reading the opening post there would cost a query page 1 does not run, and
a deep page costs what page 1 costs (forum.pages).
"""

from canyu.sharing import ShareCard, share_card
from forum.models import Thread


def first_shown_text(rows: list[dict]) -> str:
    """The rendered text of the page's first post that fans see (not hidden, not deleted), or ""."""
    for row in rows:
        if not row["hidden"] and not row["deleted_at"]:
            return row["html"]
    return ""


def thread_share_card(thread: Thread, page) -> ShareCard:
    text = first_shown_text(page.object_list)
    path = thread.get_absolute_url() + (f"?page={page.number}" if page.number > 1 else "")
    return share_card(title=thread.title, description=text or thread.board.name, markup=bool(text), path=path)
