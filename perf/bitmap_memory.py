"""Memory of the facet bitmaps at benchmark scale, in a process of its own.

The served processes cannot be asked for ``Bitmaps.memory()``, so this builds the same
bitmaps the same way the browse page does (a ``PartnershipFilter`` over the published
partnerships asks ``publishing.bitmaps.STORES`` for them, ``FACET_BITMAPS=sync``) and prints

- ``memory()``: what the bitmaps and their arrays hold (serialised sizes), and
- the growth of this process's resident memory across the build, after a first listing
  built without bitmaps has loaded every module, template and vocabulary.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twinning_bench SECRET_KEY=x \\
        .venv/bin/python perf/bitmap_memory.py [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
    os.environ.update(DEBUG="false", SECURE_SSL_REDIRECT="false", PUBLIC_PAGE_CACHE="false")
    os.environ["FACET_BITMAPS"] = "off"
    os.environ.pop("REDIS_URL", None)
    django.setup()
    from django.conf import settings
    from django.http import QueryDict

    from agreements.filters import PartnershipFilter
    from directory.querysets import published_partnerships
    from publishing.bitmaps import STORES

    def listing() -> PartnershipFilter:
        filterset = PartnershipFilter(QueryDict(""), queryset=published_partnerships())
        filterset.is_valid()
        filterset.facets()
        return filterset

    filterset = listing()  # without bitmaps: imports, vocabularies, the database connection
    gc.collect()
    before = rss()
    settings.FACET_BITMAPS = "sync"
    started = time.perf_counter()
    # The page's own path to them (facet counts may come from a cache and not ask).
    bitmaps = filterset.bitmaps()
    took = time.perf_counter() - started
    gc.collect()
    after = rss()
    if bitmaps is not STORES[filterset.facet_index._meta.label].current:
        raise SystemExit("the bitmaps are not those of publishing.bitmaps.STORES")
    if bitmaps is None:
        raise SystemExit("no bitmaps were built: is the listing in its universe?")
    values = sum(len(by) for by in bitmaps.values.values())
    figures = {
        "how": "a separate process, built as the browse page does (perf/bitmap_memory.py)",
        "records": bitmaps.size,
        "facet_values": values,
        "memory_mb": bitmaps.memory() / 2**20,
        "rss_delta_mb": (after - before) / 2**20,
        "build_seconds": took,
    }
    print(
        f"{figures['records']:,} records, {values} facet values: memory() "
        f"{figures['memory_mb']:.1f} MB, RSS growth {figures['rss_delta_mb']:.1f} MB, "
        f"built in {took:.1f} s"
    )
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=2)


if __name__ == "__main__":
    main()
