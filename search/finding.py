"""Finding documents: one page of hits and how many there are, among the boards a reader may read.

The caller decides the audience (``board_ids``: the boards the reader may read,
forum.access's rule; ``PUBLIC_BOARD`` is always readable) and this module never
returns a document outside it, nor one hidden or of a hidden thread, in the hits
or in the count: every condition, the audience first, is in the WHERE of the
one query that both counts and pages.

Scale (a million posts, a common word matching half of them): ranking every
match costs as much as reading them all. So a search reads a *pool*, at most
``POOL`` matching documents, newest first, and ranks only those:

- the pool is chosen by a cheap order the database can walk: on PostgreSQL
  either the GIN index (few matches: read them all, keep the newest) or the
  partial index ``search_document_new`` on (created_at, id) of the visible
  documents, walked from the newest and checked against the query until the
  pool is full (a common word fills it after a few thousand rows); the planner
  chooses by its statistics of each term;
- "best match first" ranks the pool by ``ts_rank_cd`` on PostgreSQL (cover
  density: the query's terms close together rank higher; title terms weigh
  1.0, text terms 0.1) and ``bm25`` on SQLite (title 5, text 1): the best of
  the newest ``POOL`` matches, not of every match ever written;
- the count is the pool's size: "more than 200 results" when it is full,
  and pages end there (a reader narrows the search with a filter instead).

Hidden documents, other boards and filtered-out rows never enter the pool, so
they are never counted, ranked or shown. One query per search.

The query text is built by search.terms from letters and digits only, each term
quoted: nothing a person types is read as an operator.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections, router
from django.utils.dateparse import parse_datetime

from search.models import PUBLIC_BOARD, Document
from search.terms import Query

# The most matches read and ranked by one search; counts stop here ("more than 200 results"). At a million
# posts, a common word fills it after some 2 000 rows of the newest-first walk, two common words after 20 000
# (bench/search_bench.py); a pool of 1 000 took five times as long.
POOL = 200
COUNT_CAP = POOL


@dataclass(frozen=True)
class Filters:
    """What a reader narrows a search to; None: no condition."""

    kinds: tuple[str, ...] = ()
    author_id: int | None = None
    product_id: int | None = None
    since: datetime | None = None  # created at or after
    until: datetime | None = None  # created before
    exclude_object_id: int | None = None


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    thread_id: int
    board_id: int
    author_id: int
    created_at: datetime
    title: str
    product_id: int | None = None


@dataclass(frozen=True)
class Found:
    count: int  # at most POOL
    capped: bool  # more matches than POOL
    hits: list[Hit]


_COLUMNS = "d.kind, d.object_id, d.thread_id, d.board_id, d.author_id, d.created_at, d.title, d.product_id"
NOTHING = Found(0, False, [])


def _pool(connection, query: Query, board_ids: Collection[int], public: bool, filters: Filters) -> tuple[str, list]:
    """The pool's SELECT (document id, created_at and, on SQLite, its bm25 score) and its parameters."""
    audience = [PUBLIC_BOARD, *board_ids] if public else list(board_ids)
    if not audience:
        audience = [-1]  # no board at all: nothing is found
    if connection.vendor == "postgresql":
        sql = "SELECT d.id, d.created_at FROM search_document d WHERE d.vector @@ to_tsquery('simple', %s)"
        params: list = [query.tsquery()]
    else:
        sql = (
            "SELECT d.id, d.created_at, bm25(search_document_fts, 5.0, 1.0) AS score "
            "FROM search_document_fts f JOIN search_document d ON d.id = f.rowid "
            "WHERE search_document_fts MATCH %s"
        )
        params = [query.fts5()]
    sql += f" AND d.board_id IN ({', '.join(['%s'] * len(audience))}) AND NOT d.hidden AND NOT d.thread_hidden"
    params += audience
    if filters.kinds:
        sql += f" AND d.kind IN ({', '.join(['%s'] * len(filters.kinds))})"
        params += list(filters.kinds)
    for condition, value in (
        ("d.author_id = %s", filters.author_id),
        ("d.product_id = %s", filters.product_id),
        ("d.created_at >= %s", filters.since),
        ("d.created_at < %s", filters.until),
        ("d.object_id <> %s", filters.exclude_object_id),
    ):
        if value is not None:
            sql += f" AND {condition}"
            params.append(connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value)
    # The newest first: the order the partial index search_document_new is walked in.
    sql += " ORDER BY d.created_at DESC, d.id DESC LIMIT %s"
    params.append(POOL + 1)
    return sql, params


def _connection():
    return connections[router.db_for_read(Document)]


def find(
    *,
    query: Query,
    board_ids: Collection[int],
    public: bool = True,
    filters: Filters = Filters(),
    newest: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> Found:
    """One page of matching documents, best (or newest) first, and how many match (at most POOL). One query;
    a page past the end has no hits but still the count. ``public``: what is in no board (changelog items,
    people) is found too."""
    if not query or offset >= POOL:
        return NOTHING if not query else _count_only(query, board_ids, public, filters)
    connection = _connection()
    pool, params = _pool(connection, query, board_ids, public, filters)
    if newest:
        score, order = "0", "created_at DESC, id DESC"
    elif connection.vendor == "postgresql":
        score = "ts_rank_cd(d.vector, to_tsquery('simple', %s))"
        params.append(query.tsquery())
        order = "score DESC, created_at DESC, id DESC"
    else:
        score, order = "pool.score", "score, created_at DESC, id DESC"
    # The count and the page in one statement: the count row is there even when the page is empty.
    sql = f"""
        WITH pool AS ({pool})
        SELECT counted.n, page.* FROM (SELECT COUNT(*) AS n FROM pool) counted
        LEFT JOIN (
            SELECT scored.*, ROW_NUMBER() OVER (ORDER BY {order}) AS place FROM (
                SELECT {_COLUMNS}, d.id, {score} AS score FROM pool JOIN search_document d ON d.id = pool.id
            ) scored
            ORDER BY place LIMIT %s OFFSET %s
        ) page ON 1 = 1
        ORDER BY page.place"""
    params += [min(limit, POOL - offset), offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total = rows[0][0]
    hits = [
        Hit(kind, object_id, thread_id, board_id, author_id, _datetime(created_at), title, product_id)
        for _n, kind, object_id, thread_id, board_id, author_id, created_at, title, product_id, *_ in rows
        if kind is not None
    ]
    return Found(min(total, POOL), total > POOL, hits)


def _count_only(query: Query, board_ids: Collection[int], public: bool, filters: Filters) -> Found:
    connection = _connection()
    pool, params = _pool(connection, query, board_ids, public, filters)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({pool}) pool", params)
        total = cursor.fetchone()[0]
    return Found(min(total, POOL), total > POOL, [])


def _datetime(value) -> datetime:
    """SQLite answers a raw query's datetime as text."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a datetime: {value!r}")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value
