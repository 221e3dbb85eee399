"""The search index: one document per searchable thing, keyed by (kind, object id).

A document holds its text already cut into terms (search.terms) and what a
reader needs to be allowed to see it: the board it is in and whether it or its
thread is hidden. The app that owns the thing writes its document in the
transaction that changes it (search.indexing), so a hide, a move or a delete
commits with the index, and a search never sees the old audience.

The full-text index itself is per database and not a model field (migration 0002):
on PostgreSQL a ``vector`` tsvector column generated from the terms with the
'simple' configuration, under a GIN index; on SQLite an FTS5 table
``search_document_fts`` kept in step by triggers. A later migration that makes
Django rebuild this table on SQLite (most AlterField) drops the triggers and
loses the FTS5 entries of the rows already there: end that migration with
``search.migrations._full_text.restore_sqlite_index``, as 0003 does.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy

# The board_id of what is in no board and everyone may read (a published release's changelog item, a
# person): always in a search's audience. Thread ids, board ids and object ids start at 1.
PUBLIC_BOARD = 0


class Document(models.Model):
    class Kind(models.TextChoices):
        THREAD = "thread", pgettext_lazy("search kind", "Threads")
        POST = "post", pgettext_lazy("search kind", "Replies")
        IDEA = "idea", pgettext_lazy("search kind", "Ideas")
        CHANGE = "change", pgettext_lazy("search kind", "Changelog items")
        PERSON = "person", pgettext_lazy("search kind", "People")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # A thread's or an idea's thread id; a post's id; a changelog item's id; a person's user id.
    object_id = models.PositiveBigIntegerField(_("object id"))
    # Plain ids, not foreign keys: the forum and releases sit above this app. Hides and moves find
    # a thread's documents by thread_id (search_document_thread). A changelog item's thread_id is its
    # release's id; a person's is 0. Both are in PUBLIC_BOARD.
    thread_id = models.PositiveBigIntegerField(_("thread id"))
    board_id = models.PositiveBigIntegerField(_("board id"))
    product_id = models.PositiveBigIntegerField(_("product id"), null=True, blank=True)
    # The author of a thread, post or idea; a changelog item's release's preparer (none if deleted); the person.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    # What a result shows as its title: the thread's title (for a reply, its thread's); a changelog
    # item's release ("HyperOS 2.0.5"); a person's shown name.
    title = models.CharField(_("title"), max_length=200)
    title_terms = models.TextField(_("title terms"), blank=True)
    body_terms = models.TextField(_("text terms"), blank=True)
    # A document is found only when neither is set: the thread hidden by a moderator, the post hidden;
    # a changelog item of a release not published (draft, scheduled, withdrawn); a person inactive.
    # (Deleted posts have no document.)
    thread_hidden = models.BooleanField(_("thread hidden"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_one_per_object"),
        ]
        indexes = [
            # A thread hidden, shown or moved: its documents, updated in the moderator's transaction.
            models.Index(fields=["thread_id"], name="search_document_thread"),
            # A search's pool (search.finding): the newest visible documents, walked from the newest and
            # checked against the query, when the query's terms match too many for the GIN index to pay.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(thread_hidden=False, hidden=False),
                name="search_document_new",
            ),
            # The same within one board (the board filter).
            models.Index(
                fields=["board_id", "-created_at"],
                condition=Q(thread_hidden=False, hidden=False),
                name="search_document_board_new",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
