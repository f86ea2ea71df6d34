"""For concurrency tests: run jobs in threads, each with its own database connection, released
together by a barrier once every thread is connected."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, connections


def run_at_once(jobs: Sequence[Callable[[], Any]], *, timeout: float = 120) -> list[Any]:
    """Per job, what it returned or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[Any] = [None] * len(jobs)

    def target(i: int, job: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # this thread's own connection, opened before the start
            barrier.wait(timeout=60)
            outcomes[i] = job()
        except BaseException as exc:  # reported to the test
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    alive = [t.name for t in threads if t.is_alive()]
    if alive:
        raise AssertionError(f"threads still running after {timeout} s: {alive}")
    return outcomes


SQLITE_IN_MEMORY_REASON = (
    "an in-memory SQLite test database is not shared by the threads' connections: "
    "set SANHAK_TEST_SQLITE=/path/to/test.sqlite3 for a file-backed one"
)


def sqlite_test_db_in_memory() -> bool:
    """The test database is SQLite in memory (threads cannot share it; `make test` uses a file)."""
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    return connection.vendor == "sqlite" and test_name in (None, "", ":memory:")
