"""Authentication backends: Django's and allauth's, with the user kept in the cache or loaded by a query
compiled once.

Every signed-in request loads its user by primary key. Most find it in the
cache (accounts.usercache). Otherwise, through the ORM that costs about 0.28 ms
of CPU, two thirds of it building the same SELECT again; here Django's own
compiler builds it once per database, with the converters it would apply, and
each request only runs it (about 0.09 ms). Measured with bench/forum_bench.py:
the signed-in rows (see bench/README.md).

The user is the same object the ORM gives (``Model.from_db``, every column,
converted as the ORM converts them); accounts/tests/test_backends.py compares
the two field by field.
"""

import functools

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.db import connections, router

from accounts import usercache
from accounts.models import User
from canyu import compiledqueries


def load_user(user_id) -> User | None:
    """The user with this primary key, or None: from the cache, or one query, as
    ``User.objects.filter(pk=user_id).first()``."""
    try:
        user_id = User._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a session holding something that is not an id: nobody
        return None
    alias = router.db_for_read(User)
    sql, converters, names = _compiled(alias)
    return usercache.load(
        user_id,
        names,
        lambda: _read(alias, sql, converters, user_id),
        lambda names, values: User.from_db(alias, names, values),
    )


def _read(alias: str, sql: str, converters, user_id) -> list | None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return list(compiledqueries.converted(row, converters, connection))


@functools.cache
def _compiled(alias: str):
    """The SELECT of every column by primary key (its one parameter), its converters, the attribute names."""
    compiler = User._default_manager.db_manager(alias).filter(pk=0).query.get_compiler(alias)
    sql, params = compiler.as_sql()
    if list(params) != [0]:
        raise RuntimeError(f"the user query has parameters {params!r}, not just the primary key")
    columns = [expression for expression, _, _ in compiler.select]
    return sql, list(compiler.get_converters(columns).items()), tuple(column.target.attname for column in columns)


class _LoadsUserOnce:
    def get_user(self, user_id):
        user = load_user(user_id)
        # user_can_authenticate is the backend's, after this mixin in the MRO.
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_LoadsUserOnce, django_backends.ModelBackend):
    pass


class AuthenticationBackend(_LoadsUserOnce, allauth_backends.AuthenticationBackend):
    pass
