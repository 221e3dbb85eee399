"""Races for tests on PostgreSQL: several calls released at the same instant."""

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection


def run_at_once(calls: list[Callable[[], object]]) -> list:
    """Run each call in its own thread (its own database connection), all
    released together by a barrier; returns their results in order and fails
    the test with the first exception any of them raised.

    On SQLite the test is skipped: it runs one writer at a time, and its shared
    in-memory test database answers a second writer "table is locked" at once
    instead of waiting, so a race there tests SQLite, not our code.
    """
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    workers = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return results
