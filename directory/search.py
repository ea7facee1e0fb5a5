"""One search box over cities, partnerships, projects, networks and people, best match first.

A name matches exactly, by its start, or anywhere (normalised keys, ``cities/normalise.py``).
Cities are found in two indexed queries (their own names and their names in other languages
and scripts), ranked in Python by how they matched and then by population (Rome, Italy before
Rome, Georgia); partnerships follow the rank of their best-matching city.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from pyroaring import BitMap

from agreements.filters import PartnershipFilter
from agreements.models import CulturalProject, Partnership, Person
from cities.models import City, CityName, Network, local_names
from cities.normalise import match_rank, name_lookup
from publishing.bitmaps import Bitmaps

SECTION_SIZE = 10


def tier_of(key: str, name_key: str) -> int:
    if name_key == key or f"|{key}|" in name_key:
        return 0
    if name_key.startswith(key) or f"|{key}" in name_key:
        return 1
    return 2


def city_tiers(key: str) -> list[set[int]]:
    """Matching city ids by how well they match: exact names, starts of names, any part."""
    best: dict[int, int] = {}
    rows: Iterable[tuple[int, str]] = [
        *City.objects.filter(**name_lookup("search_key", key))
        .order_by()
        .values_list("pk", "search_key"),
        *CityName.objects.filter(**name_lookup("search_key", key))
        .order_by()
        .values_list("city_id", "search_key"),
    ]
    for city_id, name_key in rows:
        best[city_id] = min(best.get(city_id, 2), tier_of(key, name_key))
    # Cities that exist only for drafts are neither found nor counted.
    shown = City.objects.public_ids(best)
    tiers: list[set[int]] = [set(), set(), set()]
    for city_id, tier in best.items():
        if city_id in shown:
            tiers[tier].add(city_id)
    return tiers


def first_of_tiers(tiers: list[set[int]], fetch: Any, size: int = SECTION_SIZE) -> list[Any]:
    """The first ``size`` records, tier after tier; ``fetch(ids, limit)`` orders each tier."""
    found: list[Any] = []
    for ids in tiers:
        if len(found) >= size:
            break
        if ids:
            found.extend(fetch(ids, size - len(found)))
    return found


def involving(ids: set[int]) -> QuerySet[Partnership]:
    ids_list = list(ids)
    return Partnership.objects.published().filter(
        Q(city_a_id__in=ids_list) | Q(city_b_id__in=ids_list)
    )


def partnerships_from_bitmaps(
    bitmaps: Bitmaps, tiers: list[set[int]], partnerships: QuerySet[Partnership]
) -> tuple[list[Partnership], int]:
    """The first partnerships of the cities tier after tier, and how many there are, from the
    "city" facet's bitmaps (whose bits follow the slugs): however many cities match, no list
    of their ids goes to the database."""
    found: list[int] = []
    shown = BitMap()  # the earlier tiers' partnerships, all shown before the next tier's
    for ids in tiers:
        bits = bitmaps.any_of("city", map(str, ids)) - shown
        if len(found) < SECTION_SIZE:
            found.extend(bitmaps.page(bits, 0, SECTION_SIZE - len(found)))
        shown |= bits
    rows = partnerships.in_bulk(found)
    return [rows[pk] for pk in found if pk in rows], len(shown)


def ranked(queryset: QuerySet, column: str, key: str, *order: Any) -> tuple[list[Any], int]:
    matches = queryset.filter(**name_lookup(column, key)).annotate(rank=match_rank(column, key))
    return list(matches.order_by("rank", *order)[:SECTION_SIZE]), matches.count()


def sections(key: str, partnerships: QuerySet[Partnership]) -> list[tuple[str, list[Any], int]]:
    """(name, first results, count) for each kind of record that matches."""
    tiers = city_tiers(key)
    all_cities = set().union(*tiers)
    cities = first_of_tiers(
        tiers,
        lambda ids, limit: (
            City.objects.filter(pk__in=list(ids))
            .prefetch_related(local_names())
            .order_by(F("population").desc(nulls_last=True), "name")[:limit]
        ),
    )
    seen: set[int] = set()

    def partnerships_of(ids: set[int], limit: int) -> list[Partnership]:
        rows = [
            row
            for row in partnerships.filter(pk__in=involving(ids).values("pk"))
            .exclude(pk__in=seen)
            .order_by("slug")[:limit]
        ]
        seen.update(row.pk for row in rows)
        return rows

    bitmaps = PartnershipFilter(QueryDict(), queryset=Partnership.objects.published()).bitmaps()
    if bitmaps is not None and "city" in bitmaps.facets:
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
