"""The query plans behind docs/performance.md: each URL's queries, slowest first, with the
plan PostgreSQL chose and what it took.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench SECRET_KEY=x \\
        .venv/bin/python perf/plans.py off /partnerships/?country=DE /cities/meridian-us/

The first argument is ``FACET_BITMAPS`` (``off``: every count and page from the database, as
before the bitmaps; ``sync``: as served). No cache answers: every query runs.
"""

from __future__ import annotations

import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    mode, urls = sys.argv[1], sys.argv[2:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
    os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false", PUBLIC_PAGE_CACHE="false")
    os.environ["FACET_BITMAPS"] = mode
    os.environ.pop("REDIS_URL", None)
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {
        **settings.CACHES,  # the throttle's own cache stays
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    for url in urls:
        client.get(url)  # the first request of a process builds what every later one reuses
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status = client.get(url).status_code
            took = (time.perf_counter() - started) * 1000
        print(f"## `{url}` ({mode}): {status}, {took:.0f} ms, {len(queries)} queries\n")
        timed = []
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip("( ").upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
                total = float(plan[-1].split(":")[1].split()[0])
                timed.append((total, sql, plan))
        for total, sql, plan in sorted(timed, key=lambda item: -item[0])[:3]:
            print(f"{total:.1f} ms: `{sql[:300]}{'…' if len(sql) > 300 else ''}`\n")
            print("```")
            print("\n".join(plan))
            print("```\n")


if __name__ == "__main__":
    main()
