"""Trigram indexes on the search keys of people and projects, on PostgreSQL only
(see cities/migrations/0003_trigram_indexes.py)."""

from django.db import migrations

INDEXES = [
    ("agreements_person_search_keys_trgm", "agreements_person", "search_keys"),
    ("agreements_project_search_keys_trgm", "agreements_culturalproject", "search_keys"),
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
    dependencies = [
        ("agreements", "0004_facet_indexes_and_search_keys"),
        ("cities", "0003_trigram_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
