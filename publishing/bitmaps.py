"""Facet counts and pages from compressed bitmaps held in memory, for listings of hundreds of
thousands of records.

Counting facet values in the database costs time in proportion to the records that match
(``GROUP BY`` over their facet rows): half a second for a broad filter over 200,000
partnerships. Here each facet value is a Roaring bitmap (pyroaring) over the published
records, one bit per record, its bits in the listing's default order, built from the facet
index once per read version (``publishing.models.ReadVersion``: the content version and the
day). A count is an intersection's cardinality, a page of results a slice of a bitmap.

The bitmaps are rebuilt when the read version moves, in a background thread by default
(``FACET_BITMAPS = "background"``); until they are ready the FilterSet counts in the database,
so a count is never stale. ``"sync"`` builds in the request (the tests: they see their own
transaction), ``"off"`` always counts in the database.
"""

from __future__ import annotations

import logging
import sys
import threading
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from pyroaring import AbstractBitMap, BitMap, FrozenBitMap

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bitmaps:
    version: Any  # the ReadVersion they were built for (ordered: a later one is greater)
    order: array  # bit -> record id: the records in the listing's default order
    ids: array  # the record ids, sorted
    bits: array  # the bit of each of ``ids``
    values: dict[str, dict[str, FrozenBitMap]]  # facet -> value -> records with it
    universe: FrozenBitMap  # every record of the listing
    facets: frozenset[str]  # the facets held here

    @property
    def size(self) -> int:
        return len(self.order)

    def of_records(self, record_ids: Iterable[int]) -> BitMap:
        """The bits of records given by id (ids outside the listing are ignored)."""
        ids, bits, found = self.ids, self.bits, BitMap()
        for pk in record_ids:
            at = bisect_left(ids, pk)
            if at < len(ids) and ids[at] == pk:
                found.add(bits[at])
        return found

    def by_id(self, facet: str) -> dict[int, FrozenBitMap]:
        """A facet whose values are ids (a partnership's cities), keyed by the ids as
        numbers; built on first use."""
        memo = self.__dict__.setdefault("_by_id", {})
        if facet not in memo:
            memo[facet] = {int(value): bits for value, bits in self.values.get(facet, {}).items()}
        return memo[facet]

    def numeric_values(self, facet: str) -> FrozenBitMap:
        """The ids a facet of ids holds, as a bitmap: which of 28,000 cities have records is
        one intersection."""
        memo = self.__dict__.setdefault("_numeric_values", {})
        if facet not in memo:
            memo[facet] = FrozenBitMap(self.by_id(facet))
        return memo[facet]

    def any_of_ids(self, facet: str, ids: Iterable[int]) -> BitMap:
        """:meth:`any_of` for a facet of ids given as numbers (28,000 cities of a search)."""
        by_id = self.by_id(facet)
        return BitMap.union(BitMap(), *(by_id[pk] for pk in ids if pk in by_id))

    def any_of(self, facet: str, values: Iterable[str]) -> BitMap:
        by_value = self.values.get(facet, {})
        return BitMap.union(BitMap(), *(by_value[v] for v in values if v in by_value))

    def page(self, within: AbstractBitMap, offset: int, limit: int) -> list[int]:
        """The ids of the records ``offset`` to ``offset + limit`` of ``within``, in order."""
        order = self.order
        return [order[bit] for bit in within[offset : offset + limit]]

    def counts(self, facet: str, within: AbstractBitMap) -> dict[str, int]:
        return {
            value: n
            for value, bitmap in self.values.get(facet, {}).items()
            if (n := bitmap.intersection_cardinality(within))
        }

    def memory(self) -> int:
        """Bytes held: the bitmaps (serialised size, close to their memory) and the arrays."""
        held = sum(len(b.serialize()) for by in self.values.values() for b in by.values())
        arrays = sum(a.itemsize * len(a) for a in (self.order, self.ids, self.bits))
        return held + len(self.universe.serialize()) + arrays + sys.getsizeof(self.values)


def build(
    index: Any, universe: Any, facets: list[str], version: Any, order: tuple[str, ...]
) -> Bitmaps:
    """Read the facet rows of the universe (the published records) into bitmaps whose bits
    follow the listing's default order, so that a page of results is a run of bits."""
    in_order = array("q", universe.order_by(*order).values_list("pk", flat=True))
    by_id = sorted(range(len(in_order)), key=in_order.__getitem__)
    ids = array("q", (in_order[bit] for bit in by_id))
    bits = array("q", by_id)
    position = dict(zip(ids, bits, strict=True))  # only while building
    members: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        index.objects.current()
        .filter(facet__in=facets, record__in=universe.order_by().values("pk"))
        .values_list("record_id", "facet", "value")
        .iterator(chunk_size=20_000)
    )
    for record_id, facet, value in rows:
        members[facet][value].append(position[record_id])
    values = {
        facet: {value: FrozenBitMap(found) for value, found in by_value.items()}
        for facet, by_value in members.items()
    }
    everything = FrozenBitMap(range(len(in_order)))
    return Bitmaps(version, in_order, ids, bits, values, everything, frozenset(facets))


class BitmapStore:
    """The bitmaps of one facet index for the current read version, or None while they
    are being (re)built."""

    def __init__(self) -> None:
        self.current: Bitmaps | None = None
        self.building: Any = None
        self.lock = threading.Lock()

    def get(
        self,
        index: Any,
        universe: Any,
        facets: list[str],
        version: Any,
        order: tuple[str, ...] = ("pk",),
    ) -> Bitmaps | None:
        mode = getattr(settings, "FACET_BITMAPS", "background")
        if mode == "off":
            return None
        current = self.current
        if current is not None and current.version == version:
            return current
        if mode == "sync":
            self.current = build(index, universe, facets, version, order)
            return self.current
        with self.lock:
            if self.building == version:
                return None
            self.building = version
        thread = threading.Thread(
            target=self.rebuild, args=(index, universe, facets, version, order), daemon=True
        )
        thread.start()
        return None

    def rebuild(
        self, index: Any, universe: Any, facets: list[str], version: Any, order: tuple[str, ...]
    ) -> None:
        try:
            bitmaps = build(index, universe, facets, version, order)
            with self.lock:
                if self.current is None or self.current.version < version:
                    self.current = bitmaps
        except Exception:  # the database path keeps answering meanwhile
            logger.exception("Building the facet bitmaps of %s failed", index.__name__)
        finally:
            with self.lock:
                if self.building == version:
                    self.building = None
            connections.close_all()  # this thread's own connections


STORES: dict[str, BitmapStore] = defaultdict(BitmapStore)


# -- warming a new worker ---------------------------------------------------------------------

# What a new process should read before its first visitor: each listing's bitmaps (registered
# by FacetedFilterSet for every FilterSet with a universe) and other derived sets (cities'
# public ids). gunicorn calls warm() once a worker has loaded the application
# (gunicorn.conf.py, post_worker_init): without it the first browse page of each worker
# started the build, and until it was done its pages were counted in the database. Under
# load every worker was cold at once: 8 browse pages a second at 200,000 partnerships
# where warm workers serve 50 (make bench, 2 December 2026).
WARMERS: list[Callable[[], object]] = []


def on_warm(warmer: Callable[[], object]) -> Callable[[], object]:
    WARMERS.append(warmer)
    return warmer


def warm(wait: bool = False) -> threading.Thread:
    """Run every warmer in a background thread (the worker serves meanwhile, from the
    database); ``wait`` joins it (a management command, a test)."""

    def run() -> None:
        try:
            for warmer in WARMERS:
                try:
                    warmer()
                except Exception:  # a warmer that fails leaves its reads to the first request
                    logger.exception("Warming %r failed", warmer)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="warm-read-model", daemon=True)
    thread.start()
    if wait:
        thread.join()
    return thread


def readiness() -> str:
    """ "ready" when every store holds bitmaps and none is being rebuilt, "building" while
    one is, "cold" before any was asked for: the benchmark waits for "ready" on every worker
    (the X-Bitmaps header of twinning.middleware.QueryCountMiddleware)."""
    stores = list(STORES.values())
    if not stores:
        return "cold"
    if any(store.current is None or store.building is not None for store in stores):
        return "building"
    return "ready"
