"""Hot queries compiled once per process, then only run.

The ORM builds a query's SQL again on every call: for the twenty posts of a
thread page with their authors that was two thirds of the query's CPU (0.7 of
1.0 ms), more than PostgreSQL took to answer it. A query here is built by the
ORM the first time, with the compiler's own converters, and its SQL is kept by
name: later calls pass new values for its parameters and get the rows the ORM
would give. forum.access compiles the page entries the same way.

A query qualifies when its parameters are exactly the values the caller gives,
in order: its shape (the filters, the number of values in an IN, a LIMIT) must
not depend on them, or anything else that may change (a setting), or it
belongs under another name. When they differ, the query
runs through the ORM as usual, each time (a test of each query says it is
compiled). It is compiled on a call whose values all differ, so that each
parameter is known by its value.
"""

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import QuerySet


class _Compiled(NamedTuple):
    sql: str
    names: tuple[str, ...]
    converters: list
    # The type the ORM gave each parameter where it is not the value's own (psycopg's Int4 for an
    # integer column on PostgreSQL): new values are passed as the ORM would pass them.
    types: tuple


_COMPILED: dict[tuple[str, str], _Compiled | None] = {}


def value_rows(name: str, model, make_queryset: Callable[..., QuerySet], values: Sequence[Any]) -> list[dict]:
    """``list(make_queryset(*values))`` for a ``values()`` queryset of ``model``, compiled once under ``name``."""
    alias = router.db_for_read(model)
    key = (name, alias)
    if key not in _COMPILED:
        if any(value == other for index, value in enumerate(values) for other in values[index + 1 :]):
            # Equal values would not tell which parameter is which: compiled by a later call.
            return list(make_queryset(*values))
        _COMPILED[key] = _compile(make_queryset(*values), alias, values)
    compiled = _COMPILED[key]
    if compiled is None:
        return list(make_queryset(*values))
    connection = connections[alias]
    params = [value if kind is None else kind(value) for value, kind in zip(values, compiled.types, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    return [dict(zip(compiled.names, converted(row, compiled.converters, connection), strict=True)) for row in rows]


def _compile(queryset: QuerySet, alias: str, values: Sequence[Any]) -> _Compiled | None:
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    names = (*queryset.query.values_select, *queryset.query.annotation_select)
    if list(params) != list(values) or len(names) != len(compiler.select) or queryset.query.extra_select:
        return None  # its SQL depends on the values, or its columns are not its values' names
    columns = [expression for expression, _, _ in compiler.select]
    types = tuple(
        None if type(param) is type(value) else type(param) for param, value in zip(params, values, strict=True)
    )
    return _Compiled(sql, tuple(names), list(compiler.get_converters(columns).items()), types)


def converted(row: tuple, converters: list, connection) -> tuple:
    """A row as the ORM gives it: each column through the compiler's converters (accounts.backends too)."""
    if not converters:
        return row
    values = list(row)
    for position, (functions, expression) in converters:
        value = values[position]
        for convert in functions:
            value = convert(value, expression, connection)
        values[position] = value
    return tuple(values)
