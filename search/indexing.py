"""Writing the index, inside the transaction of the change it follows.

The apps that own what is searched (forum, ideas) call these functions from
their process functions, with plain values (this app sits below them and does
not know their models). Each call is one or two statements on
search_document; the full-text index follows in the same statement (a
generated column on PostgreSQL, triggers on SQLite), so what a search sees
always commits with the change: a hidden thread is never found after the
moderator's transaction, a moved thread is found only by its new board's
readers.
"""

from datetime import datetime

from django.db import transaction

from search.models import PUBLIC_BOARD, Document
from search.terms import document_terms

Kind = Document.Kind
TOPICS = (Kind.THREAD, Kind.IDEA)  # the document of a thread itself (its title and first post)
IN_THREADS = (*TOPICS, Kind.POST)  # what a thread_id is a thread's id of (a changelog item's is its release's)


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the index is written inside the transaction of the change it follows")


def thread_document(
    *,
    thread_id: int,
    board_id: int,
    author_id: int,
    title: str,
    text: str,
    created_at: datetime,
    hidden: bool = False,
    first_post_hidden: bool = False,
    idea_product_id: int | None = None,
) -> Document:
    """A thread's document, not saved: its title and first post (an idea's if ``idea_product_id``)."""
    return Document(
        kind=Kind.IDEA if idea_product_id is not None else Kind.THREAD,
        object_id=thread_id,
        thread_id=thread_id,
        board_id=board_id,
        product_id=idea_product_id,
        author_id=author_id,
        title=title[:200],
        title_terms=document_terms(title),
        body_terms=document_terms(text),
        thread_hidden=hidden,
        hidden=first_post_hidden,
        created_at=created_at,
    )


def post_document(
    *,
    post_id: int,
    thread_id: int,
    board_id: int,
    author_id: int,
    thread_title: str,
    text: str,
    created_at: datetime,
    hidden: bool = False,
    thread_hidden: bool = False,
) -> Document:
    """A reply's document, not saved."""
    return Document(
        kind=Kind.POST,
        object_id=post_id,
        thread_id=thread_id,
        board_id=board_id,
        author_id=author_id,
        title=thread_title[:200],
        body_terms=document_terms(text),
        thread_hidden=thread_hidden,
        hidden=hidden,
        created_at=created_at,
    )


def put(document: Document) -> None:
    """Store ``document`` in place of the one of the same thing (a thread's whether thread or idea)."""
    _in_transaction()
    kinds = TOPICS if document.kind in TOPICS else (document.kind,)
    Document.objects.filter(kind__in=kinds, object_id=document.object_id).delete()
    document.save(force_insert=True)


def add(document: Document) -> None:
    """Store the document of something new, which has none yet (a reply: forum.posting)."""
    _in_transaction()
    document.save(force_insert=True)


def mark_idea(*, thread_id: int, product_id: int) -> None:
    """The thread is an idea of ``product_id`` (ideas.proposing, after forum.posting.add_thread)."""
    _in_transaction()
    Document.objects.filter(kind=Kind.THREAD, object_id=thread_id).update(kind=Kind.IDEA, product_id=product_id)


def change_text(*, thread_id: int, post_id: int, first: bool, text: str) -> None:
    """A post's new text (``first``: the thread's first post, part of the thread's document)."""
    _in_transaction()
    documents = (
        Document.objects.filter(kind__in=TOPICS, object_id=thread_id)
        if first
        else Document.objects.filter(kind=Kind.POST, object_id=post_id)
    )
    documents.update(body_terms=document_terms(text))


def hide_post(*, thread_id: int, post_id: int, first: bool, hidden: bool) -> None:
    """A post hidden or shown by a moderator; the first post hides its thread's document with it."""
    _in_transaction()
    documents = (
        Document.objects.filter(kind__in=TOPICS, object_id=thread_id)
        if first
        else Document.objects.filter(kind=Kind.POST, object_id=post_id)
    )
    documents.update(hidden=hidden)


def remove_post(*, post_id: int) -> None:
    """A deleted post is never found again."""
    _in_transaction()
    Document.objects.filter(kind=Kind.POST, object_id=post_id).delete()


def hide_thread(*, thread_id: int, hidden: bool) -> None:
    """The thread and every post in it hidden or shown (each post's own hidden flag stays)."""
    _in_transaction()
    Document.objects.filter(kind__in=IN_THREADS, thread_id=thread_id).update(thread_hidden=hidden)


def move_thread(*, thread_id: int, board_id: int) -> None:
    """The thread's documents follow it to ``board_id``: only that board's readers find them from now on."""
    _in_transaction()
    Document.objects.filter(kind__in=IN_THREADS, thread_id=thread_id).update(board_id=board_id)


def put_changelog(
    *,
    release_id: int,
    product_id: int,
    author_id: int | None,
    release_title: str,
    items: list[tuple[int, str, str]],
    published_at: datetime,
) -> None:
    """A release's changelog items ((id, title, description) each), found from now on: called by
    releases.publishing in the transaction that publishes the release (items are edited only before)."""
    _in_transaction()
    Document.objects.filter(kind=Kind.CHANGE, thread_id=release_id).delete()
    Document.objects.bulk_create(
        [
            Document(
                kind=Kind.CHANGE,
                object_id=item_id,
                thread_id=release_id,
                board_id=PUBLIC_BOARD,
                product_id=product_id,
                author_id=author_id,
                title=release_title[:200],
                title_terms=document_terms(title),
                body_terms=document_terms(description),
                created_at=published_at,
            )
            for item_id, title, description in items
        ]
    )


def hide_changelog(*, release_id: int) -> None:
    """A release withdrawn: its changelog items are never found again (until it is published again)."""
    _in_transaction()
    Document.objects.filter(kind=Kind.CHANGE, thread_id=release_id).update(hidden=True)


def put_person(*, user_id: int, username: str, display_name: str, active: bool, joined_at: datetime) -> None:
    """A person, found by username and display name; an inactive account is never found."""
    _in_transaction()
    Document.objects.filter(kind=Kind.PERSON, object_id=user_id).delete()
    Document.objects.create(
        kind=Kind.PERSON,
        object_id=user_id,
        thread_id=0,
        board_id=PUBLIC_BOARD,
        author_id=user_id,
        title=(display_name or username)[:200],
        title_terms=document_terms(f"{username} {display_name}"),
        hidden=not active,
        created_at=joined_at,
    )
