"""The unmatched places queue (issue 12, "no phantom cities").

An import creates a city only for a place it can trust (``Matcher.confident``: a Wikidata or
GeoNames id, or the file's own trusted geocode inside its country). Any other place that
matches nothing waits here, with the rows that name it, stored in the import's transaction
(``Queue``). A curator matches it to a city (its name becomes another name of the city, and
the decision is remembered: the next import matches it), creates it from the gazetteer or as
written, or rejects it; the rows whose places are all decided are then imported through the
same writer, with the publish state of their import (``resolve``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cities.models import City, CityName, Source
from cities.normalise import search_key

from .unmatched_models import PlaceStatus, RowStatus, UnmatchedPlace, WaitingRow

if TYPE_CHECKING:
    from .importing import ImportReport, Place, Profile

Key = tuple[str, str, str, str]


def place_key(place: Place) -> Key:
    return (place.country, place.level, place.parent, search_key(place.written or place.label))


def decisions() -> dict[Key, int | None]:
    """What curators decided: each matched or created place's city, None for a rejected one."""
    decided: dict[Key, int | None] = {}
    rows = UnmatchedPlace.objects.exclude(status=PlaceStatus.WAITING).values_list(
        "country", "level", "parent", "key", "status", "city_id"
    )
    for country, level, parent, key, status, city in rows:
        if status == PlaceStatus.REJECTED:
            decided.setdefault((country, level, parent, key), None)
        elif city is not None:
            decided[(country, level, parent, key)] = city
    return decided


def row_digest(profile: Profile, raw: dict[str, str]) -> str:
    text = json.dumps([profile.name, profile.mapping, raw], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def coordinate(value: float | None) -> Decimal | None:
    if value is None or not (-180 <= value <= 180):
        return None
    return Decimal(f"{value:.5f}")


class Queue:
    """The rows of one import that wait, written in bulk at its end (in its transaction).
    The same file imported again adds nothing: places and rows are found by their keys."""

    def __init__(self, source: Source, profile: Profile, report: ImportReport, publish: bool):
        self.source = source
        self.profile = profile
        self.report = report
        self.publish = publish
        self.places: dict[Key, Place] = {}
        self.rows: dict[str, tuple[int, dict[str, str], list[Key]]] = {}

    def wait(self, line: int, raw: dict[str, str], places: list[Place]) -> None:
        keys = []
        for place in places:
            key = place_key(place)
            self.places.setdefault(key, place)
            keys.append(key)
        self.rows.setdefault(row_digest(self.profile, raw), (line, raw, keys))

    def write(self) -> None:
        self.report.places_waiting = len(self.places)
        if not self.rows:
            return
        stored = {
            (p.country.code, p.level, p.parent, p.key): p
            for p in UnmatchedPlace.objects.filter(source=self.source)
        }
        new = []
        for key, place in self.places.items():
            if key not in stored:
                new.append(
                    UnmatchedPlace(
                        name=(place.written or place.label)[:200],
                        country=key[0],
                        level=key[1],
                        parent=key[2][:200],
                        key=key[3][:200],
                        latitude=coordinate(place.latitude),
                        longitude=coordinate(place.longitude),
                        source=self.source,
                        profile=self.profile.name,
                    )
                )
        for place_ in UnmatchedPlace.objects.bulk_create(new, batch_size=1000):
            stored[(place_.country.code, place_.level, place_.parent, place_.key)] = place_
        if any(p.pk is None for p in new):  # SQLite before 3.35 returns no ids
            stored = {
                (p.country.code, p.level, p.parent, p.key): p
                for p in UnmatchedPlace.objects.filter(source=self.source)
            }
        known = set(
            WaitingRow.objects.filter(source=self.source, digest__in=list(self.rows)).values_list(
                "digest", flat=True
            )
        )
        rows = [
            WaitingRow(
                source=self.source,
                profile=self.profile.name,
                mapping=self.profile.mapping,
                publish=self.publish,
                file_name=self.report.file_name[:255],
                line=line,
                raw=raw,
                digest=digest,
            )
            for digest, (line, raw, _) in self.rows.items()
            if digest not in known
        ]
        WaitingRow.objects.bulk_create(rows, batch_size=1000)
        by_digest = dict(
            WaitingRow.objects.filter(
                source=self.source, digest__in=[row.digest for row in rows]
            ).values_list("digest", "pk")
        )
        through = WaitingRow.places.through
        links = [
            through(waitingrow_id=by_digest[row.digest], unmatchedplace_id=stored[key].pk)
            for row in rows
            for key in dict.fromkeys(self.rows[row.digest][2])
        ]
        through.objects.bulk_create(links, batch_size=2000)
        count_waiting(stored[key].pk for key in self.places)


def count_waiting(pks: Any) -> None:
    """Store each place's number of waiting rows."""
    pks = list(pks)
    counts = dict(
        UnmatchedPlace.objects.filter(pk__in=pks)
        .annotate(n=Count("rows", filter=Q(rows__status=RowStatus.WAITING)))
        .values_list("pk", "n")
    )
    places = list(UnmatchedPlace.objects.filter(pk__in=pks))
    for place in places:
        place.rows_waiting = counts.get(place.pk, 0)
    UnmatchedPlace.objects.bulk_update(places, ["rows_waiting"], batch_size=1000)


def profile_of(row: WaitingRow) -> Profile:
    from .importing import PROFILES, mapped_profile

    if row.profile == "mapped":
        source = row.source
        return mapped_profile(row.mapping, source.title, source.publisher, source.url)
    return PROFILES[row.profile]


@transaction.atomic
def resolve(place: UnmatchedPlace, status: str, city: City | None, user: Any) -> list[Any]:
    """Decide ``place`` (matched to or created as ``city``, or rejected) and import the rows
    whose places are now all decided. Returns the import reports, one per source and state."""
    place = UnmatchedPlace.objects.select_for_update().get(pk=place.pk)
    if place.status != PlaceStatus.WAITING:
        raise ValueError("this place has been decided already")
    place.status, place.city = status, city
    place.resolved_by, place.resolved_at = user, timezone.now()
    place.save()
    # Remembered: the name as the file writes it finds the city from now on.
    key = search_key(place.name)
    if city is not None and key != city.search_key and not city.names.filter(search_key=key):
        CityName.objects.create(city=city, name=place.name)
    ready = (
        WaitingRow.objects.filter(places=place, status=RowStatus.WAITING)
        .exclude(places__status=PlaceStatus.WAITING)
        .select_related("source")
        .distinct()
    )
    groups: dict[tuple[int, str, str, bool], list[WaitingRow]] = defaultdict(list)
    for row in ready:
        groups[(row.source_id, row.profile, json.dumps(row.mapping), row.publish)].append(row)
    reports = [import_waiting(rows) for rows in groups.values()]
    touched = {p.pk for r in WaitingRow.objects.filter(places=place) for p in r.places.all()}
    count_waiting(touched | {place.pk})
    return reports


def import_waiting(rows: list[WaitingRow]) -> ImportReport:
    """Import rows of one source, profile and publish state, as their file would have."""
    from publishing.events import bulk_write

    from .importing import ImportReport, run_rows
    from .models import Partnership

    first = rows[0]
    profile = profile_of(first)
    report = ImportReport(profile.name, first.file_name, dry_run=False)
    with transaction.atomic(), bulk_write():
        touched = run_rows(
            [(row.line, row.raw) for row in rows], profile, first.source, report, first.publish
        )
        Partnership.objects.filter(pk__in=touched).refresh_facets()
    by_line = defaultdict(list)
    for outcome in report.outcomes:
        by_line[outcome.row].append(outcome)
    for row in rows:
        outcome = by_line[row.line].pop(0)
        if outcome.result == "waiting":
            continue
        row.status = RowStatus.REJECTED if outcome.result == "rejected" else RowStatus.IMPORTED
        row.outcome = (outcome.result + (f": {outcome.reason}" if outcome.reason else ""))[:300]
    WaitingRow.objects.bulk_update(rows, ["status", "outcome"])
    return report


def waiting_by_source() -> dict[int, int]:
    """The number of rows waiting for a match, per source."""
    return dict(
        WaitingRow.objects.filter(status=RowStatus.WAITING)
        .values_list("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )
