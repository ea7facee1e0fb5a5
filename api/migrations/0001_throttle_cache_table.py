"""The table of the ``throttle`` cache (settings.CACHES without Redis), made by ``migrate``.

Without Redis the API's request counts live in the database, shared by every web process. The
table is the one ``createcachetable`` makes; creating it here means the one release step,
``migrate``, prepares it everywhere (``make run``, the tests, the Dockerfile's release).
"""

from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "twinning_throttle"


def create_table(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create_table, drop_table)]
