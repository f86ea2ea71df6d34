"""On PostgreSQL, trigram indexes for searching companies by any part of their name or products (the
company list, the API and the admin, `icontains`: UPPER(...) LIKE '%…%'): scans of the national demo's
80,000 companies become index look-ups. Queries shorter than three characters still scan. SQLite: nothing."""

from django.db import migrations

from sanhak.common.migration_ops import postgresql_only


class Migration(migrations.Migration):
    # pg_trgm is created by courses/0003 (one migration owns the extension: undoing this one keeps it)
    dependencies = [("companies", "0002_load_ksic"), ("courses", "0003_search_trigram_index")]

    operations = [
        postgresql_only(
            "CREATE INDEX IF NOT EXISTS company_name_upper_trgm "
            "ON companies_company USING gin (UPPER(name::text) gin_trgm_ops);"
            "CREATE INDEX IF NOT EXISTS company_products_upper_trgm "
            "ON companies_company USING gin (UPPER(products::text) gin_trgm_ops)",
            "DROP INDEX IF EXISTS company_name_upper_trgm; DROP INDEX IF EXISTS company_products_upper_trgm",
        ),
    ]
