"""On PostgreSQL, a trigram index so that the catalog's `search_tokens LIKE '% 로봇%'` does not scan every
course, and an index on offerings' end date (the catalog shows current and upcoming ones). SQLite: the
end-date index only. This migration owns the pg_trgm extension (later trigram indexes depend on it)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from sanhak.common.migration_ops import postgresql_only


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_updated_at_indexes")]

    operations = [
        TrigramExtension(),
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS course_search_tokens_trgm "
            "ON courses_course USING gin (search_tokens gin_trgm_ops)",
            "DROP INDEX IF EXISTS course_search_tokens_trgm",
        ),
        migrations.AddIndex(
            model_name="offering", index=models.Index(fields=["end_date"], name="offering_end_date_idx")
        ),
    ]
