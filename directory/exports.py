"""Downloads of exactly what a browse page shows: CSV, JSON and GeoJSON, streamed.

``?format=csv|json|geojson`` on a browse URL keeps all its filters and sort and returns every
matching record, not one page. Rows are read in chunks from a server-side cursor (PostgreSQL)
and written as they come, so memory stays flat whatever the number of rows; related values
(cities of a project) are fetched once per chunk, themes by a second cursor in step.

CSV is UTF-8 with a byte-order mark so that spreadsheet programs read Persian and Vietnamese
correctly. Dates are ISO 8601 at their stated precision ("1998", "2021-02", "2022-09-20"),
next to the precision and the date as the source wrote it. The columns are documented in
``docs/exports.md``.
"""

from __future__ import annotations

import datetime
import io
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import CulturalProject, Partnership
from common.dates import PartialDate
from common.spreadsheets import SafeWriter

FORMATS = ("csv", "json", "geojson")
CHUNK = 2000
LICENCE = "Twinning open data: cite the record URL and its sources."

Row = dict[str, Any]


def iso_at_precision(date: datetime.date | None, precision: str) -> str | None:
    return PartialDate(date, precision).iso if date else None


def permalink_pattern(request: HttpRequest, url_name: str) -> Callable[[str], str]:
    """The permanent (unprefixed, English) URL of a record from its slug, without a reverse()
    per row."""
    with translation.override(settings.LANGUAGE_CODE):
        template = request.build_absolute_uri(reverse(url_name, args=["SLUG-PLACEHOLDER"]))
    return lambda slug: template.replace("SLUG-PLACEHOLDER", slug)


def chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def total_order(queryset: QuerySet) -> list[Any]:
    """The ordering of ``queryset`` made total (ties broken by id)."""
    query = queryset.query
    default = (query.get_meta().ordering or []) if query.default_ordering else []
    ordering = list(query.order_by or default)
    return [*ordering, "pk"]


class ThemesInOrder:
    """The theme slugs of each record of a queryset, for records read in ``total_order``: a
    second cursor reads (record, theme) pairs in the same order and the two are merged, one
    join instead of a query per chunk with thousands of ids (3 s of a 10 s export)."""

    def __init__(self, queryset: QuerySet) -> None:
        pairs = (
            queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
            .filter(themes__isnull=False)
            .order_by(*total_order(queryset), "themes__slug")
            .values_list("pk", "themes__slug")
            .iterator(chunk_size=CHUNK)
        )
        self.pairs = iter(pairs)
        self.head = next(self.pairs, None)

    def of(self, pk: int) -> list[str]:
        """The themes of record ``pk``: call it for each record, in order."""
        slugs = []
        while self.head is not None and self.head[0] == pk:
            slugs.append(self.head[1])
            self.head = next(self.pairs, None)
        return slugs


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


CITY_FIELDS = ("name", "slug", "country", "latitude", "longitude", "wikidata_id", "geonames_id")

PARTNERSHIP_COLUMNS = [
    "id",
    "url",
    *(f"city_a_{field}" for field in CITY_FIELDS),
    *(f"city_b_{field}" for field in CITY_FIELDS),
    "kind",
    "institutions",
    "status",
    "established",
    "established_precision",
    "established_as_written",
    "ended",
    "ended_precision",
    "ended_as_written",
    "themes",
    "summary",
    "updated",
]


def partnership_rows(queryset: QuerySet[Partnership], request: HttpRequest) -> Iterator[Row]:
    permalink = permalink_pattern(request, "directory:partnership-detail")
    themes = ThemesInOrder(queryset)
    values = (
        queryset.prefetch_related(None)
        .order_by(*total_order(queryset))
        .values(
            "pk",
            "slug",
            *(f"city_a__{field}" for field in CITY_FIELDS),
            *(f"city_b__{field}" for field in CITY_FIELDS),
            "kind",
            "institutions",
            "status",
            "established",
            "established_precision",
            "established_as_written",
            "ended",
            "ended_precision",
            "ended_as_written",
            "summary",
            "updated_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in values:
        yield {
            "id": row["slug"],
            "url": permalink(row["slug"]),
            **{
                f"city_{side}_{field}": number(row[f"city_{side}__{field}"])
                if field in ("latitude", "longitude")
                else row[f"city_{side}__{field}"]
                for side in "ab"
                for field in CITY_FIELDS
            },
            "kind": row["kind"],
            "institutions": row["institutions"],
            "status": row["status"],
            "established": iso_at_precision(row["established"], row["established_precision"]),
            "established_precision": row["established_precision"],
            "established_as_written": row["established_as_written"],
            "ended": iso_at_precision(row["ended"], row["ended_precision"]),
            "ended_precision": row["ended_precision"],
            "ended_as_written": row["ended_as_written"],
            "themes": themes.of(row["pk"]),
            "summary": row["summary"],
            "updated": row["updated_at"].isoformat(),
        }


def partnership_geometry(row: Row) -> dict[str, Any] | None:
    points = [
        [row[f"city_{side}_longitude"], row[f"city_{side}_latitude"]]
        for side in "ab"
        if row[f"city_{side}_latitude"] is not None
    ]
    if len(points) == 2:
        return {"type": "LineString", "coordinates": points}
    return None


PROJECT_COLUMNS = [
    "id",
    "url",
    "title",
    "status",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "partnership",
    "network",
    "cities",
    "countries",
    "themes",
    "description",
    "updated",
]


def project_rows(queryset: QuerySet[CulturalProject], request: HttpRequest) -> Iterator[Row]:
    permalink = permalink_pattern(request, "directory:project-detail")
    themes = ThemesInOrder(queryset)
    values = (
        queryset.prefetch_related(None)
        .order_by(*total_order(queryset))
        .values(
            "pk",
            "slug",
            "title",
            "status",
            "start",
            "start_precision",
            "end",
            "end_precision",
            "partnership__slug",
            "partnership__publication_state",
            "network__slug",
            "description",
            "updated_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for chunk in chunks(values):
        ids = [row["pk"] for row in chunk]
        cities: dict[int, list[tuple[str, str, Any, Any]]] = defaultdict(list)
        for project_id, name, country, latitude, longitude in (
            CulturalProject.cities.through.objects.filter(culturalproject_id__in=ids)
            .order_by("city__name")
            .values_list(
                "culturalproject_id",
                "city__name",
                "city__country",
                "city__latitude",
                "city__longitude",
            )
        ):
            cities[project_id].append((name, country, number(latitude), number(longitude)))
        for row in chunk:
            published_partnership = row["partnership__publication_state"] == "published"
            yield {
                "id": row["slug"],
                "url": permalink(row["slug"]),
                "title": row["title"],
                "status": row["status"],
                "start": iso_at_precision(row["start"], row["start_precision"]),
                "start_precision": row["start_precision"],
                "end": iso_at_precision(row["end"], row["end_precision"]),
                "end_precision": row["end_precision"],
                "partnership": row["partnership__slug"] if published_partnership else "",
                "network": row["network__slug"] or "",
                "cities": [city[0] for city in cities[row["pk"]]],
                "countries": sorted({city[1] for city in cities[row["pk"]]}),
                "themes": themes.of(row["pk"]),
                "description": row["description"],
                "updated": row["updated_at"].isoformat(),
                "_points": [[c[3], c[2]] for c in cities[row["pk"]] if c[2] is not None],
            }


def project_geometry(row: Row) -> dict[str, Any] | None:
    return {"type": "MultiPoint", "coordinates": row["_points"]} if row["_points"] else None


CITY_COLUMNS = [
    "id",
    "url",
    "name",
    "country",
    "subdivision",
    "latitude",
    "longitude",
    "population",
    "wikidata_id",
    "geonames_id",
]


def city_rows(queryset: QuerySet, request: HttpRequest) -> Iterator[Row]:
    permalink = permalink_pattern(request, "directory:city-detail")
    values = (
        queryset.prefetch_related(None)
        .values(
            "slug",
            "name",
            "country",
            "subdivision",
            "latitude",
            "longitude",
            "population",
            "wikidata_id",
            "geonames_id",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in values:
        yield {
            "id": row["slug"],
            "url": permalink(row["slug"]),
            **{key: value for key, value in row.items() if key != "slug"},
            "latitude": number(row["latitude"]),
            "longitude": number(row["longitude"]),
        }


def city_geometry(row: Row) -> dict[str, Any] | None:
    if row["latitude"] is None:
        return None
    return {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]}


EXPORTS: dict[str, tuple[list[str], Callable[..., Iterator[Row]], Callable[[Row], Any]]] = {
    "partnerships": (PARTNERSHIP_COLUMNS, partnership_rows, partnership_geometry),
    "projects": (PROJECT_COLUMNS, project_rows, project_geometry),
    "cities": (CITY_COLUMNS, city_rows, city_geometry),
}


LIST_COLUMNS = {"themes", "cities", "countries"}  # written as "a;b;c" in CSV


def stream_csv(columns: list[str], rows: Iterator[Row]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)  # writes None as an empty cell, never a formula
    pick = operator.itemgetter(*columns)
    lists = [n for n, column in enumerate(columns) if column in LIST_COLUMNS]
    yield "\ufeff"  # byte-order mark: spreadsheet programs then read UTF-8
    writer.writerow(columns)
    batch = []
    for row in rows:
        values = list(pick(row))
        for n in lists:
            values[n] = ";".join(map(str, values[n]))
        batch.append(values)
        if len(batch) == 200:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


def stream_json(
    columns: list[str], rows: Iterator[Row], meta: dict[str, Any], geometry: Any = None
) -> Iterator[str]:
    """A JSON object whose records are written one by one (GeoJSON when ``geometry``)."""
    head = {**meta}
    if geometry:
        head = {"type": "FeatureCollection", **meta}
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield opening + (', "features": [' if geometry else ', "results": [')
    for count, row in enumerate(rows):
        record = {column: row[column] for column in columns}
        if geometry:
            record = {"type": "Feature", "geometry": geometry(row), "properties": record}
        yield ("," if count else "") + json.dumps(record, ensure_ascii=False, default=str)
    yield "]}"


def export_response(
    kind: str, fmt: str, queryset: QuerySet, request: HttpRequest, count: int
) -> StreamingHttpResponse:
    columns, make_rows, geometry = EXPORTS[kind]
    rows = make_rows(queryset, request)
    stamp = timezone.now()
    meta = {
        "source": request.build_absolute_uri(),
        "generated": stamp.isoformat(timespec="seconds"),
        "count": count,
        "licence": LICENCE,
    }
    name = f"twinning-{kind}-{stamp:%Y-%m-%d}"
    if fmt == "csv":
        body: Iterator[str] = stream_csv(columns, rows)
        content_type, extension = "text/csv; charset=utf-8", "csv"
    elif fmt == "geojson":
        body = stream_json(columns, rows, meta, geometry)
        content_type, extension = "application/geo+json", "geojson"
    else:
        body = stream_json(columns, rows, meta)
        content_type, extension = "application/json", "json"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
