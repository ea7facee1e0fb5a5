"""One search box over cities, partnerships, projects, networks and people, best match first.

A name matches exactly, by its start, or anywhere (normalised keys, ``cities/normalise.py``).
Cities are found in two indexed queries (their own names and their names in other languages
and scripts), ranked in Python by how they matched and then by population (Rome, Italy before
Rome, Georgia); partnerships follow the rank of their best-matching city.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Window
from django.http import QueryDict
from pyroaring import AbstractBitMap, BitMap, FrozenBitMap

from agreements.filters import PartnershipFilter
from agreements.models import CulturalProject, Partnership, Person
from cities.models import City, CityName, Network, local_names
from cities.normalise import MIN_ANYWHERE, match_rank, name_lookup
from publishing.bitmaps import Bitmaps
from publishing.caching import cached

SECTION_SIZE = 10


def tier_of(key: str, name_key: str) -> int:
    if name_key == key or f"|{key}|" in name_key:
        return 0
    if name_key.startswith(key) or f"|{key}" in name_key:
        return 1
    return 2


@dataclass(frozen=True)
class CityMatches:
    """The public cities a key matches, small enough to keep in the shared cache: the ids of
    each tier (exact names, starts of names, any part) as a bitmap, and the first
    ``SECTION_SIZE`` of each tier in their order (population, then name)."""

    tiers: list[FrozenBitMap]
    leaders: list[list[int]]

    @classmethod
    def ranked(cls, tiers: list[set[int]], order: dict[int, tuple[float, str]]) -> CityMatches:
        leaders = [heapq.nsmallest(SECTION_SIZE, ids, key=order.__getitem__) for ids in tiers]
        return cls([FrozenBitMap(ids) for ids in tiers], leaders)

    def first(self) -> list[City]:
        """The first cities, tier after tier, each by population, then name."""
        first = [pk for leaders in self.leaders for pk in leaders][:SECTION_SIZE]
        found = City.objects.prefetch_related(local_names()).in_bulk(first)
        return [found[pk] for pk in first]


def city_matches(key: str, partnered: AbstractBitMap | None = None) -> CityMatches:
    """The public cities a name matches, ranked: for a key of one letter, once per read
    version (``publishing.caching``). Each of the 26 letters matches thousands of cities (a
    third of them for "a" at 200,000 partnerships): 100-180 ms each time, where a longer key
    matches few; what the page shows of them is the same until a public change."""
    if len(key) < MIN_ANYWHERE:
        return cached("city-matches", key, lambda: matching_cities(key, partnered))
    return matching_cities(key, partnered)


def matching_cities(key: str, partnered: AbstractBitMap | None = None) -> CityMatches:
    """The public cities a name matches, ranked.

    One pass over the matching names, and the matching cities' population and name read
    with them, not asked again by id: the only cities whose public status is asked of the
    database are those neither in the gazetteer (public) nor in ``partnered`` (from the
    partnership bitmaps: sides of a published partnership). A one-letter search matches
    28,000 cities at 200,000 partnerships; asking which of them are public, or ordering
    them, given their ids as a list took 0.3-1.6 s a query.
    """
    best: dict[int, int] = {}
    order: dict[int, tuple[float, str]] = {}
    gazetteer = BitMap()
    own = name_lookup("search_key", key)
    names = CityName.objects.filter(**name_lookup("search_key", key)).order_by()
    columns = ("pk", "search_key", "geonames_id", "population", "name")
    one_letter = len(key) < MIN_ANYWHERE  # every name found starts with it

    def tier(name_key: str) -> int:
        return (0 if name_key == key else 1) if one_letter else tier_of(key, name_key)

    for pk, name_key, geonames_id, population, name in [
        *City.objects.filter(**own).order_by().values_list(*columns),
        *City.objects.filter(pk__in=names.values("city_id"))
        .exclude(**own)
        .order_by()
        .values_list(*columns),
    ]:
        if pk not in order:
            # With one letter, a city found at all has a name that starts with it.
            best[pk] = tier(name_key) if name_key or one_letter else 2
            order[pk] = (-(population or -1), name)
            if geonames_id is not None:
                gazetteer.add(pk)
    # A city found under another name takes that name's tier when it is better. With one
    # letter every name starts with it, so only an exact name can be better: ask for those
    # alone, not every name again (a one-letter key matches 60,000 names of 700,000).
    better = names.filter(search_key=key) if one_letter else names
    for city_id, name_key in better.values_list("city_id", "search_key"):
        if best.get(city_id):
            best[city_id] = min(best[city_id], tier(name_key))
    matched = BitMap(best)
    known = matched & (gazetteer | partnered) if partnered is not None else gazetteer
    # Cities that exist only for drafts are neither found nor counted.
    shown = set(known) | City.objects.public_ids(matched - known)
    tiers: list[set[int]] = [set(), set(), set()]
    for city_id, rank in best.items():
        if city_id in shown:
            tiers[rank].add(city_id)
    return CityMatches.ranked(tiers, order)


def first_of_tiers(
    tiers: Sequence[AbstractBitMap], fetch: Any, size: int = SECTION_SIZE
) -> list[Any]:
    """The first ``size`` records, tier after tier; ``fetch(ids, limit)`` orders each tier."""
    found: list[Any] = []
    for ids in tiers:
        if len(found) >= size:
            break
        if ids:
            found.extend(fetch(ids, size - len(found)))
    return found


def involving(ids: Iterable[int]) -> QuerySet[Partnership]:
    ids_list = list(ids)
    return Partnership.objects.published().filter(
        Q(city_a_id__in=ids_list) | Q(city_b_id__in=ids_list)
    )


def partnerships_from_bitmaps(
    bitmaps: Bitmaps, tiers: Sequence[AbstractBitMap], partnerships: QuerySet[Partnership]
) -> tuple[list[Partnership], int]:
    """The first partnerships of the cities tier after tier, and how many there are, from the
    "city" facet's bitmaps (whose bits follow the slugs): however many cities match, no list
    of their ids goes to the database."""
    found: list[int] = []
    shown = BitMap()  # the earlier tiers' partnerships, all shown before the next tier's
    for ids in tiers:
        bits = bitmaps.any_of_ids("city", ids) - shown
        if len(found) < SECTION_SIZE:
            found.extend(bitmaps.page(bits, 0, SECTION_SIZE - len(found)))
        shown |= bits
    rows = partnerships.in_bulk(found)
    return [rows[pk] for pk in found if pk in rows], len(shown)


def ranked(queryset: QuerySet, column: str, key: str, *order: Any) -> tuple[list[Any], int]:
    """The first matches and how many there are, in one query (the count as a window over
    the matches): a one-letter search reads every project's names, once instead of twice.
    For one letter the ids and the count are kept once per read version: "p" matches 55,000
    of 60,000 generated projects, 0.34 s of sorting each time."""
    matches = queryset.filter(**name_lookup(column, key)).annotate(
        rank=match_rank(column, key), matches=Window(Count("pk"))
    )
    if len(key) >= MIN_ANYWHERE:
        first = list(matches.order_by("rank", *order)[:SECTION_SIZE])
        return first, first[0].matches if first else 0

    def compute() -> tuple[list[int], int]:
        rows = list(matches.order_by("rank", *order).values_list("pk", "matches")[:SECTION_SIZE])
        return [pk for pk, _ in rows], rows[0][1] if rows else 0

    ids, count = cached("search-ranked", (queryset.model._meta.label, key), compute)
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found], count


def sections(key: str, partnerships: QuerySet[Partnership]) -> list[tuple[str, list[Any], int]]:
    """(name, first results, count) for each kind of record that matches."""
    bitmaps = PartnershipFilter(QueryDict(), queryset=Partnership.objects.published()).bitmaps()
    if bitmaps is None or "city" not in bitmaps.facets:
        bitmaps = None
    matches = city_matches(key, bitmaps.numeric_values("city") if bitmaps else None)
    tiers = matches.tiers
    all_cities = BitMap.union(*tiers)
    cities = matches.first()
    seen: set[int] = set()

    def partnerships_of(ids: AbstractBitMap, limit: int) -> list[Partnership]:
        rows = [
            row
            for row in partnerships.filter(pk__in=involving(ids).values("pk"))
            .exclude(pk__in=seen)
            .order_by("slug")[:limit]
        ]
        seen.update(row.pk for row in rows)
        return rows

    if bitmaps is not None:
        partnership_rows, partnership_count = partnerships_from_bitmaps(
            bitmaps, tiers, partnerships
        )
    else:
        partnership_rows = first_of_tiers(tiers, partnerships_of)
        partnership_count = involving(all_cities).count() if all_cities else 0
    projects = ranked(CulturalProject.objects.public(), "search_keys", key, "title")
    networks = ranked(Network.objects.all(), "search_keys", key, "name")
    people = ranked(Person.objects.published(), "search_keys", key, "name")
    return [
        ("cities", cities, len(all_cities)),
        ("partnerships", partnership_rows, partnership_count),
        ("projects", *projects),
        ("networks", *networks),
        ("people", *people),
    ]
