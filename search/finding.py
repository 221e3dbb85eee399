"""Finding documents: one page of hits and how many there are, among the boards a reader may read.

The caller decides the audience (``board_ids``: the boards the reader may read,
forum.access's rule) and this module never returns a document outside it, nor one
hidden or of a hidden thread, in the hits or in the count. Two queries per page,
in SQL of each database's own full-text search:

- PostgreSQL: ``vector @@ to_tsquery('simple', …)`` on the GIN index, ranked by
  ``ts_rank_cd`` (cover density: the query's terms close together rank higher;
  title terms weigh 1.0, text terms 0.1).
- SQLite: FTS5 ``MATCH``, ranked by ``bm25`` (title terms weigh 5, text terms 1).

The query text is built by search.terms from letters and digits only, each term
quoted: nothing a person types is read as an operator.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router
from django.utils.dateparse import parse_datetime

from search.models import Document
from search.terms import Query

# Counting stops here ("more than 1 000 results"): counting every match of a common word costs as
# much as reading them all.
COUNT_CAP = 1000


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    thread_id: int
    board_id: int
    author_id: int
    created_at: datetime
    title: str


_COLUMNS = "d.kind, d.object_id, d.thread_id, d.board_id, d.author_id, d.created_at, d.title"


def _where(vendor: str, query: Query, board_ids: Collection[int], kind: str | None) -> tuple[str, str, list]:
    """FROM and WHERE of a search, and their parameters."""
    boards = ", ".join(["%s"] * len(board_ids))
    if vendor == "postgresql":
        source = "search_document d, to_tsquery('simple', %s) q"
        condition = "d.vector @@ q"
        params: list = [query.tsquery()]
    else:
        source = "search_document_fts f JOIN search_document d ON d.id = f.rowid"
        condition = "search_document_fts MATCH %s"
        params = [query.fts5()]
    condition += f" AND d.board_id IN ({boards}) AND NOT d.hidden AND NOT d.thread_hidden"
    params += list(board_ids)
    if kind:
        condition += " AND d.kind = %s"
        params.append(kind)
    return source, condition, params


def _connection():
    return connections[router.db_for_read(Document)]


def count_hits(*, query: Query, board_ids: Collection[int], kind: str | None = None, cap: int = COUNT_CAP) -> int:
    """How many documents match, at most ``cap``."""
    if not query or not board_ids:
        return 0
    connection = _connection()
    source, condition, params = _where(connection.vendor, query, board_ids, kind)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {source} WHERE {condition} LIMIT %s) found", [*params, cap]
        )
        return cursor.fetchone()[0]


def find_hits(
    *,
    query: Query,
    board_ids: Collection[int],
    kind: str | None = None,
    newest: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> list[Hit]:
    """One page of matching documents, best (or newest) first."""
    if not query or not board_ids:
        return []
    connection = _connection()
    source, condition, params = _where(connection.vendor, query, board_ids, kind)
    if newest:
        order = "d.created_at DESC, d.id DESC"
    elif connection.vendor == "postgresql":
        order = "ts_rank_cd(d.vector, q) DESC, d.created_at DESC, d.id DESC"
    else:
        order = "bm25(search_document_fts, 5.0, 1.0), d.created_at DESC, d.id DESC"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {source} WHERE {condition} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = cursor.fetchall()
    return [
        Hit(kind, object_id, thread_id, board_id, author_id, _datetime(created_at), title)
        for kind, object_id, thread_id, board_id, author_id, created_at, title in rows
    ]


def _datetime(value) -> datetime:
    """SQLite answers a raw query's datetime as text."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a datetime: {value!r}")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value
