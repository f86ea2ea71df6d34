"""The access log's spool (common.audit_spool): a view's row is appended to a file and moved into the table
exactly once, whoever moves it and whatever stopped in between; readers see every row written before."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from sanhak.common import audit_spool
from sanhak.common.audit import personal_data_viewed
from sanhak.common.concurrency import SQLITE_IN_MEMORY_REASON, run_at_once, sqlite_test_db_in_memory
from sanhak.common.models import AccessLogSpool, PersonalDataAccess
from sanhak.enrollment.services import enrollment_apply

# A drain removes a finished file only outside any transaction, so tests of that commit for real.
REMOVES = pytest.mark.django_db(transaction=True)
WHEN = dt.datetime(2026, 11, 30, 9, 15, 30, 123456, tzinfo=dt.UTC)


def row(viewer_id, subjects, purpose="roster", when=WHEN):  # type: ignore[no-untyped-def]
    return {
        "viewer_id": viewer_id,
        "purpose": purpose,
        "subject_count": len(subjects),
        "subject_ids": subjects,
        "path": "/enrollment/offerings/7/roster/",
        "ip_address": "203.0.113.9",
        "created_at": when,
    }


def stored() -> list[tuple[int | None, str, list[int], dt.datetime]]:
    rows = PersonalDataAccess.objects.order_by("created_at", "id")
    return [(r.viewer_id, r.purpose, r.subject_ids, r.created_at) for r in rows]


def spool_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_a_view_is_spooled_then_moved_once_with_its_own_time(spool, personas):
    request = RequestFactory().get("/enrollment/offerings/7/roster/", REMOTE_ADDR="203.0.113.9")
    request.user = personas.coordinator
    personal_data_viewed(request=request, purpose="roster", subject_ids=[personas.student.pk, personas.worker.pk])
    assert PersonalDataAccess.objects.count() == 0  # in the spool, not yet in the table
    [name] = spool_files(spool)
    assert name.startswith(f"{os.getpid()}-") and name.endswith(".jsonl")
    line = json.loads((spool / name).read_text(encoding="utf-8"))
    assert line["viewer_id"] == personas.coordinator.pk
    assert line["subject_ids"] == sorted([personas.student.pk, personas.worker.pk])

    assert audit_spool.drain() == 1
    [logged] = PersonalDataAccess.objects.all()
    assert (logged.viewer_id, logged.purpose, logged.subject_count, logged.subject_ids) == (
        personas.coordinator.pk,
        "roster",
        2,
        sorted([personas.student.pk, personas.worker.pk]),
    )
    assert (logged.path, logged.ip_address) == ("/enrollment/offerings/7/roster/", "203.0.113.9")
    assert logged.created_at == dt.datetime.fromisoformat(line["created_at"])  # the view's time, not the drain's
    assert audit_spool.drain() == 0  # nothing twice
    assert PersonalDataAccess.objects.count() == 1
    assert spool_files(spool) == [name]  # this process still writes to it
    assert AccessLogSpool.objects.get(name=name).offset == (spool / name).stat().st_size


def test_rows_keep_their_order_and_values_across_batches(spool, personas, monkeypatch):
    monkeypatch.setattr(audit_spool, "BATCH_LINES", 2)
    for i in range(5):
        assert audit_spool.append(row(personas.coordinator.pk, [i + 1000], when=WHEN + dt.timedelta(seconds=i)))
    assert audit_spool.drain() == 5
    assert [(v, s, t) for v, _, s, t in stored()] == [
        (personas.coordinator.pk, [1000 + i], WHEN + dt.timedelta(seconds=i)) for i in range(5)
    ]


@REMOVES
def test_a_stopped_writers_file_is_moved_and_removed(spool, personas):
    assert audit_spool.append(row(personas.manager.pk, [11, 12]))
    [name] = spool_files(spool)
    audit_spool._retire_writer()  # as when the process ends: its lock goes with it
    assert audit_spool.drain() == 1
    assert spool_files(spool) == []
    assert not AccessLogSpool.objects.filter(name=name).exists()
    assert audit_spool.append(row(personas.manager.pk, [13]))  # a new file for the next row
    assert len(spool_files(spool)) == 1


@REMOVES
def test_a_file_left_by_a_killed_process_is_moved_by_another(spool, personas):
    """A worker killed mid-request (gunicorn's timeout): its rows are in its file; any drain moves them,
    and a last line cut short is left out, not stored half."""
    script = f"""
import fcntl, json, os, sys
fd = os.open({str(spool / ".killed.jsonl.new")!r}, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
fcntl.flock(fd, fcntl.LOCK_SH)
os.rename({str(spool / ".killed.jsonl.new")!r}, {str(spool / "killed.jsonl")!r})
for subject in (21, 22):
    os.write(fd, json.dumps({{"viewer_id": {personas.manager.pk}, "purpose": "company_workers", "subject_count": 1,
        "subject_ids": [subject], "path": "/companies/", "ip_address": None,
        "created_at": "2026-11-30T09:00:0{{}}+00:00".format(subject - 20)}}).encode() + b"\\n")
os.write(fd, b'{{"viewer_id": 1, "purp')
sys.stdout.write("written\\n"); sys.stdout.flush()
sys.stdin.readline()
os._exit(9)
"""
    spool.mkdir(parents=True)
    writer = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline() == "written\n"
    assert audit_spool.drain() == 2  # while it lives: its complete lines, and the file stays
    assert spool_files(spool) == ["killed.jsonl"]
    writer.communicate("\n")
    assert audit_spool.drain() == 0  # it is gone: the cut line is left out and the file removed
    assert spool_files(spool) == []
    assert [(v, p, s) for v, p, s, _ in stored()] == [
        (personas.manager.pk, "company_workers", [21]),
        (personas.manager.pk, "company_workers", [22]),
    ]
    assert AccessLogSpool.objects.count() == 0


@REMOVES
def test_a_line_that_is_not_a_row_is_left_out_and_the_rest_stored(spool, personas):
    spool.mkdir(parents=True)
    good = json.dumps({**row(personas.manager.pk, [31]), "created_at": WHEN.isoformat()})
    (spool / "old.jsonl").write_text(f'{good}\nnot json\n{{"viewer_id": 1}}\n{good}\n', encoding="utf-8")
    assert audit_spool.drain() == 2
    assert [s for _, _, s, _ in stored()] == [[31], [31]]
    assert spool_files(spool) == []


def test_a_batch_is_one_insert_with_every_field_as_python_would_store_it(
    spool, personas, django_assert_max_num_queries
):
    """On PostgreSQL the server parses the batch (one statement, no Python per row); on SQLite the ORM
    inserts it. Either way the rows are the same, in the order written, ids included."""
    written = [row(personas.manager.pk, [i, i + 1], when=WHEN + dt.timedelta(microseconds=i)) for i in range(40)]
    written[7]["ip_address"] = None
    written[9]["ip_address"] = "2001:db8::1"
    written[11]["viewer_id"] = None
    for r in written:
        assert audit_spool.append(r)
    with django_assert_max_num_queries(12) as captured:
        assert audit_spool.drain() == 40
    table = 'INSERT INTO "common_personaldataaccess"'
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(table)]
    assert len(inserts) == 1
    assert ("jsonb_array_elements" in inserts[0]) is (connection.vendor == "postgresql")
    got = list(
        PersonalDataAccess.objects.order_by("id").values_list(
            "viewer_id", "purpose", "subject_count", "subject_ids", "path", "ip_address", "created_at"
        )
    )
    assert got == [
        (
            r["viewer_id"],
            r["purpose"],
            r["subject_count"],
            r["subject_ids"],
            r["path"],
            r["ip_address"],
            r["created_at"],
        )
        for r in written
    ]


def test_a_viewer_deleted_before_the_move_leaves_the_row_without_a_viewer(spool, personas):
    assert audit_spool.append(row(personas.student.pk, [personas.worker.pk], purpose="project_team"))
    personas.student.delete()
    assert audit_spool.drain() == 1
    assert [(v, p) for v, p, _, _ in stored()] == [(None, "project_team")]  # as SET_NULL leaves it


def test_without_a_writable_spool_the_row_is_inserted_at_once(spool, personas):
    spool.parent.mkdir(parents=True)
    spool.write_text("a file where the folder should be", encoding="utf-8")
    request = RequestFactory().get("/companies/")
    request.user = personas.manager
    personal_data_viewed(request=request, purpose="company_workers", subject_ids=[personas.worker.pk])
    assert [(v, p, s) for v, p, s, _ in stored()] == [(personas.manager.pk, "company_workers", [personas.worker.pk])]


@REMOVES
def test_a_full_file_is_rotated(spool, personas, monkeypatch):
    monkeypatch.setattr(audit_spool, "ROTATE_BYTES", 1)
    assert audit_spool.append(row(personas.manager.pk, [41]))
    assert audit_spool.append(row(personas.manager.pk, [42]))
    assert len(spool_files(spool)) == 2  # each row started a new file; both are done with
    assert audit_spool.drain() == 2
    assert spool_files(spool) == []


def test_readers_see_every_row_written_before_them(spool, client, personas, catalog):
    """The trainee's own record and the admin's access log move the spool in first."""
    enrollment_apply(offering=catalog.robot_offering, trainee=personas.worker)
    client.force_login(personas.coordinator)
    assert client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk])).status_code == 200
    assert PersonalDataAccess.objects.count() == 0

    client.force_login(personas.worker)
    record = json.loads(client.get(reverse("accounts:export")).content)
    assert [(v["viewer"], v["purpose"]) for v in record["viewed_by_others"]] == [(personas.coordinator.name, "roster")]

    client.force_login(personas.coordinator)
    client.get(reverse("enrollment:roster", args=[catalog.robot_offering.pk]))
    client.force_login(personas.admin)
    body = client.get(reverse("admin:common_personaldataaccess_changelist")).content.decode()
    assert body.count("/enrollment/offerings/") == 2  # both views, the second moved in by this page


@REMOVES
def test_the_command_moves_the_spool(spool, personas):
    from django.core.management import call_command

    assert audit_spool.append(row(personas.manager.pk, [51]))
    audit_spool._retire_writer()
    call_command("drain_access_log", stdout=(out := __import__("io").StringIO()))
    assert "1건" in out.getvalue() and "1 access-log rows moved" in out.getvalue()
    assert spool_files(spool) == []


@pytest.mark.django_db(transaction=True)
def test_the_thread_moves_rows_without_a_reader(settings, tmp_path, personas):
    settings.ACCESS_LOG_SPOOL_DIR = str(tmp_path / "spool")
    settings.ACCESS_LOG_DRAIN_SECONDS = 0.05
    audit_spool._retire_writer()
    try:
        assert audit_spool.append(row(personas.manager.pk, [61]))
        for _ in range(400):  # until the thread has moved it (not a timing assertion: it waits up to 20 s)
            if PersonalDataAccess.objects.exists():
                break
            time.sleep(0.05)
        assert [s for _, _, s, _ in stored()] == [[61]]
    finally:
        audit_spool.stop_drainer()
        audit_spool._retire_writer()


@pytest.mark.skipif(sqlite_test_db_in_memory(), reason=SQLITE_IN_MEMORY_REASON)
@pytest.mark.django_db(transaction=True)
def test_concurrent_drains_store_each_line_once(settings, tmp_path, personas):
    """Several drains at once (the threads of four workers, a reader): each line stored exactly once.
    On PostgreSQL the spool's record is locked row by row; on SQLite the write transactions take turns."""
    settings.ACCESS_LOG_SPOOL_DIR = str(tmp_path / "spool")
    settings.ACCESS_LOG_DRAIN_SECONDS = 0
    audit_spool._retire_writer()
    try:
        for i in range(300):
            assert audit_spool.append(row(personas.manager.pk, [i]))
        outcomes = run_at_once([lambda wait=i % 2 == 0: audit_spool.drain(wait=wait) for i in range(6)])
        assert [o for o in outcomes if isinstance(o, BaseException)] == []
        audit_spool.drain()
        assert sorted(s[0] for _, _, s, _ in stored()) == list(range(300))
    finally:
        audit_spool._retire_writer()


def test_the_writers_lock_tells_a_live_file_from_an_abandoned_one(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"")
    writer = os.open(path, os.O_RDONLY)
    fcntl.flock(writer, fcntl.LOCK_SH)
    reader = os.open(path, os.O_RDONLY)
    try:
        assert audit_spool._writer_gone(reader) is False
        os.close(writer)
        assert audit_spool._writer_gone(reader) is True
    finally:
        os.close(reader)


@REMOVES
def test_a_drain_inside_a_transaction_that_rolls_back_loses_nothing(spool, personas):
    from django.db import transaction

    assert audit_spool.append(row(personas.manager.pk, [71]))
    audit_spool._retire_writer()  # a finished file, which a drain outside a transaction would remove

    def read_then_fail() -> None:
        with transaction.atomic():
            assert audit_spool.drain() == 1
            raise RuntimeError("the caller fails after reading the log")

    with pytest.raises(RuntimeError):
        read_then_fail()
    assert PersonalDataAccess.objects.count() == 0
    assert len(spool_files(spool)) == 1  # kept: the next drain moves the row again
    assert audit_spool.drain() == 1
    assert [s for _, _, s, _ in stored()] == [[71]]
    assert spool_files(spool) == []


def test_a_forked_worker_writes_a_file_of_its_own(spool, personas):
    """gunicorn forks its workers: a child never appends to its parent's file, nor keeps it locked."""
    assert audit_spool.append(row(personas.manager.pk, [81]))
    [parents] = spool_files(spool)
    child = os.fork()
    if child == 0:  # the child: spool a row, then leave without running any cleanup
        code = 0
        try:
            audit_spool.append(row(personas.manager.pk, [82]))
            with open(spool / parents, "rb") as f:
                code = 0 if f.read().count(b"\n") == 1 else 3
            if audit_spool._writer_gone(os.open(spool / parents, os.O_RDONLY)):
                code = 4  # the parent still writes to it: it must still look alive
        except BaseException:
            code = 5
        os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    files = spool_files(spool)
    assert len(files) == 2 and parents in files
    assert audit_spool.drain() == 2
    assert sorted(s[0] for _, _, s, _ in stored()) == [81, 82]


def test_each_database_has_a_folder_of_its_own(settings, tmp_path):
    """Processes that share `var/` but not a database (a benchmark beside `make run`) keep apart."""
    settings.ACCESS_LOG_SPOOL_DIR = str(tmp_path)
    mine = audit_spool.spool_dir()
    from django.db import connections

    other = {**connections["default"].settings_dict, "NAME": "another-database"}
    original = connections["default"].settings_dict
    connections["default"].settings_dict = other
    try:
        theirs = audit_spool.spool_dir()
    finally:
        connections["default"].settings_dict = original
    assert mine is not None and theirs is not None
    assert mine.parent == theirs.parent == tmp_path and mine != theirs


@REMOVES
def test_a_row_the_database_refuses_is_left_out_and_the_rest_stored(spool, personas):
    spool.mkdir(parents=True)
    good = json.dumps({**row(personas.manager.pk, [91]), "created_at": WHEN.isoformat()})
    refused = json.dumps({**row(personas.manager.pk, [92]), "subject_count": -1, "created_at": WHEN.isoformat()})
    (spool / "old.jsonl").write_text(f"{good}\n{refused}\n{good}\n", encoding="utf-8")
    assert audit_spool.drain() == 2  # the CHECK constraint refuses the negative count; the batch goes on
    assert [s for _, _, s, _ in stored()] == [[91], [91]]
    assert spool_files(spool) == []


@REMOVES  # (outside a transaction: inside one, a drain cannot know its move will stay)
def test_a_live_file_with_nothing_new_costs_no_query(spool, personas, django_assert_num_queries):
    assert audit_spool.append(row(personas.manager.pk, [95]))
    assert audit_spool.drain(wait=False) == 1
    with django_assert_num_queries(0):
        assert audit_spool.drain(wait=False) == 0
    assert audit_spool.append(row(personas.manager.pk, [96]))
    assert audit_spool.drain(wait=False) == 1  # something new: moved
