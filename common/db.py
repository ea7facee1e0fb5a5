"""Planner statistics after a bulk load.

PostgreSQL plans from statistics that only ``ANALYZE`` (or autovacuum, some time later, when
it runs at all) collects. Right after an import, without them, the planner takes the facet
index's thousands of rows for one and joins partnerships to it in a nested loop: the charts
of ``?country=DE`` over the German list took 8.3 s instead of 90 ms (docs/performance.md).
So every bulk load ends by analysing the tables it filled.
"""

from __future__ import annotations

from django.db import connection, models


def analyze(*tables: type[models.Model]) -> None:
    """``ANALYZE`` the models' tables (PostgreSQL; elsewhere nothing)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
