"""Where an uncached browse page spends its time: SQL, template rendering, the rest of Python.

Requests each URL through Django's test client against the benchmark database, with the
whole-page cache off and the bitmaps built in the request (``FACET_BITMAPS=sync``, so they
are ready, as in a served process after its warm-up). The first request of each URL warms
the process (bitmaps, templates, vocabularies); then each is requested ``--repeat`` times
and the split is the median of those, and one cProfile run over all of them gives the top
functions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench SECRET_KEY=x \\
        STATIC_ROOT=.perf-static .venv/bin/python perf/profile_browse.py [URL ...]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from typing import Any

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

URLS = [
    "/partnerships/?country=DE&kind=sister_city",
    "/partnerships/?country=FR&status=active",
    "/partnerships/?kind=friendship&status=active&decade=1990",
    "/partnerships/?page=7",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="*", default=URLS)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
    os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false", PUBLIC_PAGE_CACHE="false")
    os.environ.update(FACET_BITMAPS="sync", EXPENSIVE_RATE="off", EXPENSIVE_CONCURRENCY="0")
    os.environ.pop("REDIS_URL", None)
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    clock: dict[str, float] = {"sql": 0.0, "template": 0.0, "sql_in_template": 0.0}
    depth = [0]

    def timed_sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            clock["sql"] += took
            if depth[0]:
                clock["sql_in_template"] += took

    render = Template.render

    def timed_render(self: Any, *a: Any, **kw: Any) -> Any:
        depth[0] += 1
        started = time.perf_counter()
        try:
            return render(self, *a, **kw)
        finally:
            depth[0] -= 1
            if not depth[0]:
                clock["template"] += time.perf_counter() - started

    Template.render = timed_render  # type: ignore[method-assign]
    # Each included template's own time (inclusive), by name: cards, facet panel, map...
    from django.template import base

    by_template: dict[str, float] = {}
    inner_render = base.Template.render

    def timed_include(self: Any, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner_render(self, context)
        finally:
            name = getattr(self.origin, "template_name", None) or str(self.origin)
            by_template[name] = by_template.get(name, 0.0) + time.perf_counter() - started

    base.Template.render = timed_include  # type: ignore[method-assign]
    client = Client()
    print(f"{'URL':58} {'total':>7} {'SQL':>6} {'template':>9} {'(its SQL)':>9} {'other':>6}")
    for url in args.urls:
        client.get(url)  # warm: bitmaps, templates, vocabularies
        rows = []
        for _ in range(args.repeat):
            clock.update(sql=0.0, template=0.0, sql_in_template=0.0)
            with connection.execute_wrapper(timed_sql):
                started = time.perf_counter()
                status = client.get(url).status_code
                total = time.perf_counter() - started
            if status != 200:
                raise SystemExit(f"{url}: {status}")
            rows.append(
                (
                    total,
                    clock["sql"],
                    clock["template"],
                    clock["sql_in_template"],
                    total - clock["sql"] - clock["template"] + clock["sql_in_template"],
                )
            )
        median = [statistics.median(column) * 1000 for column in zip(*rows, strict=True)]
        print(
            f"{url:58} "
            + " ".join(f"{v:{w}.1f}" for v, w in zip(median, (7, 6, 9, 9, 6), strict=True))
        )
    print("\n(ms, median of", args.repeat, "requests; 'other' is Python outside templates and SQL)")
    by_template.clear()
    for url in args.urls:
        for _ in range(args.repeat):
            client.get(url)
    requests = len(args.urls) * args.repeat
    print("\nTemplates rendered by {% include %} (and the page's own), ms a request, inclusive:")
    for name, took in sorted(by_template.items(), key=lambda item: -item[1])[:12]:
        print(f"  {took / requests * 1000:7.2f}  {name}")
    profile = cProfile.Profile()
    profile.enable()
    for url in args.urls:
        for _ in range(args.repeat):
            client.get(url)
    profile.disable()
    for order in ("tottime", "cumulative", "project"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        if order == "project":  # the project's own functions, by cumulative time
            stats.sort_stats("cumulative").print_stats(
                r"/(directory|publishing|agreements|cities|common)/", args.top
            )
        else:
            stats.sort_stats(order).print_stats(args.top)
        print(f"\n## cProfile over {requests} requests, by {order} (divide by {requests})")
        print(out.getvalue().split("\n", 6)[-1] if order == "tottime" else out.getvalue())


if __name__ == "__main__":
    main()
