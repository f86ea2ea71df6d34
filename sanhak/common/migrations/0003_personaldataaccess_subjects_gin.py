"""On PostgreSQL, a GIN index on the access log's subject ids, so that "who viewed this person's data"
(the person's own export, the admin's search by e-mail) is an index look-up, not a scan of a log that
grows by a row per view. Measured on the national demo data: no change to the roster's throughput,
which writes a row per view. SQLite has no such index (it reads the arrays with json_each)."""

from django.db import migrations

from sanhak.common.migration_ops import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("common", "0002_personaldataaccess_ip_address")]

    operations = [
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS personaldataaccess_subjects_gin "
            "ON common_personaldataaccess USING gin (subject_ids jsonb_path_ops)",
            "DROP INDEX IF EXISTS personaldataaccess_subjects_gin",
        )
    ]
