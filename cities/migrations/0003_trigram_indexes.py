"""Trigram indexes on search keys, on PostgreSQL only.

``LIKE '%key%'`` (how names are matched, see ``cities.normalise``) cannot use a B-tree index;
a GIN index with ``gin_trgm_ops`` serves it, and ``similarity()`` ranks near misses. SQLite
keeps the portable path: the same queries, scanned.
"""

from django.db import migrations

INDEXES = [
    ("cities_city_search_key_trgm", "cities_city", "search_key"),
    ("cities_cityname_search_key_trgm", "cities_cityname", "search_key"),
    ("cities_network_search_keys_trgm", "cities_network", "search_keys"),
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
    dependencies = [("cities", "0002_network_search_keys")]

    operations = [migrations.RunPython(create, drop)]
