"""A trigram index on PostgreSQL for a partnership's institutions, which the admin's search
reads with ``UPPER(institutions) LIKE UPPER('%…%')``: without it every partnership was read
(0.5 s at 200,000 partnerships). The search keys of people and projects have theirs since
migration 0005, the cities' names since ``cities`` 0003. SQLite keeps the portable path."""

from django.db import migrations

INDEXES = [
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
