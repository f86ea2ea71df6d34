"""The database itself refuses two active reservations whose blocked times overlap on one piece of
equipment: an exclusion constraint on PostgreSQL (btree_gist), and on SQLite triggers that abort the
INSERT or UPDATE (SQLite serialises writers, so the trigger's check and the write are atomic)."""

from django.db import migrations

BLOCKING = "('pending', 'confirmed', 'checked_in', 'completed')"

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE labs_reservation ADD CONSTRAINT reservation_no_overlap EXCLUDE USING gist "
    "(equipment_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) "
    f"WHERE (status IN {BLOCKING})",
]
PG_BACKWARD = ["ALTER TABLE labs_reservation DROP CONSTRAINT reservation_no_overlap"]

_SQLITE_CHECK = f"""
WHEN NEW.status IN {BLOCKING} AND EXISTS (
    SELECT 1 FROM labs_reservation r
    WHERE r.equipment_id = NEW.equipment_id AND r.id IS NOT NEW.id AND r.status IN {BLOCKING}
      AND r.starts_at < NEW.blocked_until AND r.blocked_until > NEW.starts_at
)
BEGIN SELECT RAISE(ABORT, 'reservation_no_overlap'); END"""  # noqa: S608 - constant SQL
SQLITE_FORWARD = [
    f"CREATE TRIGGER reservation_no_overlap_insert BEFORE INSERT ON labs_reservation {_SQLITE_CHECK}",
    "CREATE TRIGGER reservation_no_overlap_update BEFORE UPDATE OF equipment_id, starts_at, blocked_until, status "
    f"ON labs_reservation {_SQLITE_CHECK}",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER reservation_no_overlap_insert",
    "DROP TRIGGER reservation_no_overlap_update",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
