"""On PostgreSQL, trigram indexes for searching people by any part of their e-mail or name (the admin's
user search, `icontains`: UPPER(...) LIKE '%…%'): 100 ms scans of the national demo's 221,505 users
become index look-ups. Queries shorter than three characters still scan. SQLite: nothing."""

from django.db import migrations

from sanhak.common.migration_ops import postgresql_only


class Migration(migrations.Migration):
    # pg_trgm is created by courses/0003 (one migration owns the extension: undoing this one keeps it)
    dependencies = [("accounts", "0005_user_trainee_reject_rrn_phone_format"), ("courses", "0003_search_trigram_index")]

    operations = [
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS user_email_upper_trgm ON accounts_user USING gin (UPPER(email::text) gin_trgm_ops);"
            "CREATE INDEX IF NOT EXISTS user_name_upper_trgm ON accounts_user USING gin (UPPER(name::text) gin_trgm_ops)",
            "DROP INDEX IF EXISTS user_email_upper_trgm; DROP INDEX IF EXISTS user_name_upper_trgm",
        ),
    ]
