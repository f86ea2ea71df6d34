"""The database's version: a value read with a query the request runs anyway, equal at two moments only
if nothing was committed to the database in between (by any connection, this process's or another's).

A page kept with the version read before its rows (`pagecache.private_page`) is still current while
the version has not moved, so its rows need not be read again to tell. A moved version says only that
something, anywhere in the database, may have changed: the rows are then read and compared.

- SQLite: `PRAGMA data_version` moves when another connection commits; this connection's own changes are
  counted by `total_changes()`. Both belong to one connection, so the version carries the connection's
  serial number (a new connection starts its counts afresh). Not for an in-memory database, whose
  connections share one cache and do not see each other's commits in `data_version`.
- PostgreSQL: the current snapshot (`pg_current_snapshot()`, the transactions in progress and the next
  to complete). Two equal snapshots see the same committed transactions: no transaction can have
  committed in between without completing (moving the snapshot's upper bound) or leaving the in-progress
  list. The snapshot is the whole server's: commits to other databases on it move it too (more rows
  read again, never a stale page).

Inside a transaction the version is unknown (None): the transaction's own uncommitted writes move
neither PostgreSQL's snapshot nor anyone else's view of the database.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import CharField, Expression

_serials = itertools.count(1)
_SERIAL = "_sanhak_connection_serial"  # on Django's connection wrapper: (the driver's connection, its serial)


class DatabaseVersion(Expression):
    """The version as an SQL expression, to select beside a query's own columns (the session's)."""

    output_field = CharField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        raise NotSupportedError(f"no database version for {connection.vendor}")

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "((SELECT data_version FROM pragma_data_version()) || '.' || total_changes())", []

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "(pg_current_snapshot())::text", []


def version(selected: str | None, *, using: str) -> Hashable | None:
    """The version of database `using`, from the value a query selected as `DatabaseVersion()` just
    now; None when it cannot tell (no value, inside a transaction, an in-memory SQLite database)."""
    connection: Any = connections[using]
    if selected is None or connection.in_atomic_block:
        return None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return None
    driver = connection.connection
    known = getattr(connection, _SERIAL, None)
    if known is None or known[0] is not driver:  # a new connection (the reference keeps its id unique)
        known = (driver, next(_serials))
        setattr(connection, _SERIAL, known)
    return (known[1], selected)
