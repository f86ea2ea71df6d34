"""On PostgreSQL, a trigram index so that the catalog's `search_tokens LIKE '% 로봇%'` does not scan every
course, and an index on offerings' end date (the catalog shows current and upcoming ones). SQLite: the
end-date index only."""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS course_search_tokens_trgm "
            "ON courses_course USING gin (search_tokens gin_trgm_ops)"
        )


def drop_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS course_search_tokens_trgm")


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_updated_at_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.AddIndex(
            model_name="offering", index=models.Index(fields=["end_date"], name="offering_end_date_idx")
        ),
    ]
