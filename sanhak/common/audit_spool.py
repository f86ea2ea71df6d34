"""The PIPA access log's spool: a view appends its row to a file; the rows move into the table in batches.

Every view of a page with other people's data logs who saw whom (`common.audit`). As an INSERT of its own,
that row cost each such view more than the rest of it together: a write transaction per view (on SQLite
the one writer lock, taken in turn by every worker, and every other connection's cache dropped after it;
on PostgreSQL a round trip and a WAL flush). Instead, with `ACCESS_LOG_SPOOL_DIR` set:

- a process appends each row, one JSON line, to a spool file of its own: one `write()` call, no database.
  The file is held with a shared `flock` for as long as its process writes to it (created under a
  temporary name and renamed once locked, so that no drainer ever takes a new file for an abandoned one);
- a background thread of the process (started on its first row) moves the complete lines of every spool
  file in the folder into the table about once a second (`ACCESS_LOG_DRAIN_SECONDS`): a batch in one
  transaction that also records how far that file has been moved (`AccessLogSpool`, the row locked
  while it moves), so a line is stored exactly once whatever stops when;
- anything that reads the log calls `drain()` first (the admin, a trainee's own record): it sees every
  row written before it, as if each had been inserted at once;
- a file whose process is gone (no shared lock left on it) is removed once it has been moved entirely,
  by whichever drain finds it so; `manage.py drain_access_log` does the same by hand (or from cron).

What is kept: a row written survives its process (a crash, gunicorn's SIGKILL of a timed-out worker): the
next drain, by any process, moves it. Only the machine itself failing (power, kernel) before the operating
system wrote the file out could lose the latest rows, as SQLite with `synchronous=NORMAL` (the embedded
default here) may lose its latest transactions. A row that cannot be appended (a full disk, no
permission) is inserted directly, as without a spool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, connections, transaction

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
ROTATE_BYTES = 8 * 1024 * 1024  # a process starts a new file after this much (the old one is moved, then removed)
BATCH_LINES = 5000  # rows moved per transaction


def spool_dir() -> Path | None:
    """This database's spool folder: a folder per database under the setting, so that processes sharing
    `var/` but not a database (a benchmark beside `make run`) never move each other's rows."""
    directory = getattr(settings, "ACCESS_LOG_SPOOL_DIR", None)
    if not directory:
        return None
    db = connections["default"].settings_dict
    return _database_folder(
        str(directory), f"{db['ENGINE']}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{db['NAME']}"
    )


@functools.lru_cache(maxsize=32)
def _database_folder(directory: str, identity: str) -> Path:
    return Path(directory) / hashlib.sha256(identity.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Writing (every view that logs)
# --------------------------------------------------------------------------------------------


class _Writer:
    """This process's spool file: open for appending, with a shared lock held on it."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{os.getpid()}-{uuid.uuid4().hex}{SUFFIX}"
        temporary = directory / f".{name}.new"  # not a spool file until renamed (drainers skip it)
        self.pid = os.getpid()
        self.directory = directory
        self.fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_SH)
            os.rename(temporary, directory / name)
        except OSError:  # no locks on this file system, …: nothing left behind, the row goes to the table
            os.close(self.fd)
            temporary.unlink(missing_ok=True)
            raise
        self.size = 0

    def close(self) -> None:
        os.close(self.fd)  # releases the lock: the file is now one to move and remove


class _Process:
    """This process's writer and draining thread (a forked child makes its own of both)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.lock = threading.Lock()
        self.writer: _Writer | None = None
        self.drainer_pid: int | None = None
        self.stop: threading.Event | None = None  # the running thread's


_process = _Process()


def _after_fork_in_child() -> None:
    """A forked child starts afresh: its own lock (another thread may have held the parent's at the fork),
    no writer (the inherited copy of the parent's file would keep the parent's lock, and so its file, for
    as long as the child lives), no thread."""
    inherited = _process.writer
    _process.reset()
    if inherited is not None:
        with contextlib.suppress(OSError):
            os.close(inherited.fd)


os.register_at_fork(after_in_child=_after_fork_in_child)


def append(row: dict[str, Any]) -> bool:
    """Spool one access-log row (the fields of `PersonalDataAccess`, `created_at` an aware datetime).
    False when there is no spool or it could not be written: the caller inserts the row itself."""
    directory = spool_dir()
    if directory is None:
        return False
    line = json.dumps({**row, "created_at": row["created_at"].isoformat()}, ensure_ascii=False, separators=(",", ":"))
    data = line.encode() + b"\n"
    with _process.lock:
        try:
            writer = _process.writer
            if writer is None or writer.directory != directory:
                _retire_writer()
                writer = _process.writer = _Writer(directory)
            written = os.write(writer.fd, data)
            writer.size += written
            if written != len(data):  # a full disk: never write after a broken line; this row goes to the table
                raise OSError(f"short write to the access-log spool ({written} of {len(data)} bytes)")
        except OSError:
            logger.exception("access-log spool not writable: the row is inserted directly")
            _retire_writer()
            return False
        if writer.size >= ROTATE_BYTES:
            _retire_writer()
    _ensure_drainer()
    return True


def _retire_writer() -> None:
    writer, _process.writer = _process.writer, None
    if writer is not None and writer.pid == os.getpid():
        with contextlib.suppress(OSError):
            writer.close()


# --------------------------------------------------------------------------------------------
# Moving into the table
# --------------------------------------------------------------------------------------------


def drain(*, wait: bool = True) -> int:
    """Move every complete line of every spool file into the table; the number of rows stored.

    `wait=False` (the background thread) skips a file another drain is moving right now; a reader waits
    for it, so that it sees every row written before it asked."""
    directory = spool_dir()
    if directory is None or not directory.is_dir():
        return 0
    return sum(_drain_file(path, wait=wait) for path in sorted(directory.glob(f"*{SUFFIX}")))


def drain_for_reading() -> None:
    """`drain()` before reading the log; a failure to move (the database refusing a write) is logged, and
    the reader reads what the table holds rather than failing."""
    try:
        drain()
    except DatabaseError:
        logger.exception("access-log spool: could not move the spool before reading the log")


def _drain_file(path: Path, *, wait: bool) -> int:
    from sanhak.common.models import AccessLogSpool

    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:  # removed by another drain since the listing
        return 0
    except OSError:  # not readable by this process (another user's, …): the others are moved all the same
        logger.exception("access-log spool: cannot read %s", path)
        return 0
    stored = 0
    # Inside a caller's transaction (the admin's change page is one) the rows moved are only as final as
    # that transaction: the file is then kept, so that a rollback (of the rows and the offset) loses nothing.
    may_remove = not transaction.get_connection().in_atomic_block
    try:
        while True:
            writer_gone = _writer_gone(fd)  # before reading: whatever it wrote is then in the file
            size = os.fstat(fd).st_size
            if not writer_gone and _moved.get(path.name) == size:
                return stored  # a live file with nothing new since this process last moved it: no transaction
            with transaction.atomic():
                AccessLogSpool.objects.bulk_create([AccessLogSpool(name=path.name)], ignore_conflicts=True)
                spool = (
                    AccessLogSpool.objects.select_for_update(skip_locked=not wait)
                    .filter(name=path.name)
                    .only("offset")
                    .first()
                )
                if spool is None:  # another drain is moving this file (PostgreSQL)
                    return stored
                if not _same_file(path, fd):  # moved entirely and removed by another drain meanwhile
                    transaction.set_rollback(True)  # (the record just made for it goes too)
                    return stored
                lines, end, size = _read_lines(fd, spool.offset)
                if not lines and writer_gone and size > end:
                    # its process died in the middle of a line: nothing more will complete it
                    logger.error("access-log spool %s: an incomplete last line (%d bytes) left out", path, size - end)
                    end = size
                if lines:
                    stored += _store(lines, path)
                if end != spool.offset:
                    AccessLogSpool.objects.filter(pk=spool.pk).update(offset=end)
            if may_remove:  # (inside a caller's transaction the move may yet be rolled back)
                _moved[path.name] = end
            if lines and (writer_gone or len(lines) == BATCH_LINES):
                continue  # the rest of a long or finished file, in a transaction of its own
            if lines:
                return stored  # a live file: what arrived while this batch moved waits for the next round
            if writer_gone and end >= size and may_remove:
                path.unlink(missing_ok=True)  # the file first: a record without its file is only clutter
                AccessLogSpool.objects.filter(name=path.name).delete()
                _moved.pop(path.name, None)
            return stored
    finally:
        os.close(fd)


# How far this process last saw each live file moved (by itself or another drain): a drain finding the
# file no longer skips it without opening a transaction (on SQLite, every worker's thread would otherwise
# take the write lock once a second per file, with nothing to write).
_moved: dict[str, int] = {}


def _same_file(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _writer_gone(fd: int) -> bool:
    """No process holds the file for writing any more (its writer's shared lock is gone)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def _read_lines(fd: int, offset: int) -> tuple[list[bytes], int, int]:
    """Up to BATCH_LINES complete lines from `offset`; the offset after them and the file's size."""
    size = os.fstat(fd).st_size
    if size <= offset:
        return [], offset, size
    lines: list[bytes] = []
    end = offset
    buffer = b""
    position = offset
    while position < size and len(lines) < BATCH_LINES:
        chunk = os.pread(fd, min(1 << 20, size - position), position)
        if not chunk:
            break
        position += len(chunk)
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            if len(lines) == BATCH_LINES:
                return lines, end, size
            lines.append(line)
            end += len(line) + 1
    return lines, end, size


def _store(lines: list[bytes], path: Path) -> int:
    if connections["default"].vendor == "postgresql":
        stored = _store_on_server(lines)
        if stored is not None:
            return stored
    return _store_in_python(lines, path)


def _store_on_server(lines: list[bytes]) -> int | None:
    """PostgreSQL: the batch parsed and inserted by the server, in one statement with the lines as one
    JSON array (Python would parse, build and encode each row again: most of a row's cost). A viewer
    deleted since is NULL, as in `_store_in_python`. None when the server refuses the batch (a line that
    is not a row, a value that does not fit): nothing is stored, and `_store_in_python` sorts it out."""
    from sanhak.accounts.models import User
    from sanhak.common.models import PersonalDataAccess

    connection = connections["default"]
    column = {f.name: connection.ops.quote_name(f.column) for f in PersonalDataAccess._meta.concrete_fields}
    sql = f"""
        INSERT INTO {connection.ops.quote_name(PersonalDataAccess._meta.db_table)}
            ({column["viewer"]}, {column["purpose"]}, {column["subject_count"]}, {column["subject_ids"]},
             {column["path"]}, {column["ip_address"]}, {column["created_at"]})
        SELECT viewer.id, r ->> 'purpose', (r ->> 'subject_count')::integer, r -> 'subject_ids',
               r ->> 'path', (r ->> 'ip_address')::inet, (r ->> 'created_at')::timestamptz
        FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS line (r, n)
        LEFT JOIN {connection.ops.quote_name(User._meta.db_table)} viewer ON viewer.id = (r ->> 'viewer_id')::bigint
        ORDER BY n"""  # noqa: S608 - names from the models; the lines are a parameter
    try:
        batch = (b"[" + b",".join(lines) + b"]").decode()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [batch])
            return int(cursor.rowcount)
    except (UnicodeDecodeError, DatabaseError):
        return None


def _store_in_python(lines: list[bytes], path: Path) -> int:
    from sanhak.accounts.models import User
    from sanhak.common.models import PersonalDataAccess

    rows = []
    for number, line in enumerate(lines, start=1):
        try:
            data = json.loads(line)
            rows.append(
                PersonalDataAccess(
                    viewer_id=data["viewer_id"],
                    purpose=data["purpose"],
                    subject_count=data["subject_count"],
                    subject_ids=data["subject_ids"],
                    path=data["path"],
                    ip_address=data["ip_address"],
                    created_at=dt.datetime.fromisoformat(data["created_at"]),
                )
            )
        except (ValueError, KeyError, TypeError):
            logger.error("access-log spool %s: line %d of this batch is not a row: %r", path, number, line[:200])
    viewers = {row.viewer_id for row in rows if row.viewer_id is not None}
    existing = set(User.objects.filter(pk__in=viewers).values_list("pk", flat=True)) if viewers else set()
    for row in rows:
        if row.viewer_id not in existing:
            row.viewer_id = None  # deleted since (the foreign key's SET_NULL, as if the row had been there)
    try:
        with transaction.atomic():
            PersonalDataAccess.objects.bulk_create(rows, batch_size=500)
        return len(rows)
    except (DataError, IntegrityError):  # a row the database refuses must not hold up the others forever
        return sum(_store_one(row, path) for row in rows)


def _store_one(row: Any, path: Path) -> int:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except (DataError, IntegrityError):
        logger.exception("access-log spool %s: the database refused a row, left out: %r", path, vars(row))
        return 0
    return 1


# --------------------------------------------------------------------------------------------
# The background thread
# --------------------------------------------------------------------------------------------


def _ensure_drainer() -> None:
    """Start this process's draining thread, once (and again in a forked child)."""
    seconds = float(getattr(settings, "ACCESS_LOG_DRAIN_SECONDS", 0) or 0)
    if seconds <= 0 or _process.drainer_pid == os.getpid():
        return
    with _process.lock:
        if _process.drainer_pid == os.getpid():
            return
        _process.drainer_pid = os.getpid()
        stop = _process.stop = threading.Event()
        threading.Thread(target=_drain_forever, args=(seconds, stop), name="access-log-drain", daemon=True).start()


def _drain_forever(seconds: float, stop: threading.Event) -> None:
    while not stop.wait(seconds):
        try:
            drain(wait=False)
        except Exception:  # a database away for a moment: the lines stay in their files for the next round
            logger.exception("access-log spool: drain failed; retrying")
            connections.close_all()  # this thread's own connections, possibly broken
    connections.close_all()


def stop_drainer() -> None:
    """Stop this process's thread (tests); the next spooled row starts another."""
    with _process.lock:
        if _process.stop is not None:
            _process.stop.set()
        _process.drainer_pid = None
