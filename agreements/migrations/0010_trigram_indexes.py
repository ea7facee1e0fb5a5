"""Trigram indexes on PostgreSQL for the text that searches read with ``LIKE '%…%'``: the
search keys of projects and people (the public search) and a partnership's institutions
(the admin's search, ``UPPER(institutions) LIKE UPPER('%…%')``). Without them each search
read every row: 0.5 s for the admin's partnership search at 200,000 partnerships. SQLite
keeps the portable path, scanned (``cities`` migration 0003 does the same for names)."""

from django.db import migrations

INDEXES = [
    ("agreements_project_search_keys_trgm", "agreements_culturalproject", "search_keys"),
    ("agreements_person_search_keys_trgm", "agreements_person", "search_keys"),
    (
        "agreements_partnership_institutions_trgm",
        "agreements_partnership",
        '(UPPER("institutions"::text))',
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("agreements", "0009_facet_rows_city")]

    operations = [migrations.RunPython(create, drop)]
