"""Downloads of exactly what a browse page shows: CSV, JSON and GeoJSON, streamed.

``?format=csv|json|geojson`` on a browse URL keeps all its filters and sort and returns every
matching record, not one page. Each record is the API's row of it (``api/rows.py``): read in
chunks from a server-side cursor (PostgreSQL) and written as it comes, so memory stays flat
whatever the number of rows; related values (cities of a project) are fetched once per chunk,
themes by a second cursor in step. JSON and GeoJSON write the row as it is; CSV flattens it.

CSV is UTF-8 with a byte-order mark so that spreadsheet programs read Persian and Vietnamese
correctly. Dates are ISO 8601 at their stated precision ("1998", "2021-02", "2022-09-20"),
next to the precision and the date as the source wrote it. The columns are documented in
``docs/exports.md``.
"""

from __future__ import annotations

import io
import json
import operator
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from api.rows import (
    CITIES,
    CITY,
    CITY_KEYS,
    DATE,
    LIST,
    CityRows,
    PartnershipRows,
    ProjectRows,
    Row,
    RowShape,
)
from common.spreadsheets import SafeWriter

FORMATS = ("csv", "json", "geojson")
LICENCE = "Twinning open data: cite the record URL and its sources."


def point(city: Row) -> list[float] | None:
    if city["latitude"] is None or city["longitude"] is None:
        return None
    return [city["longitude"], city["latitude"]]


def partnership_geometry(row: Row) -> dict[str, Any] | None:
    points = [point(row["city_a"]), point(row["city_b"])]
    if None in points:
        return None
    return {"type": "LineString", "coordinates": points}


def project_geometry(row: Row) -> dict[str, Any] | None:
    points = [p for p in map(point, row["cities"]) if p is not None]
    return {"type": "MultiPoint", "coordinates": points} if points else None


def city_geometry(row: Row) -> dict[str, Any] | None:
    coordinates = point(row)
    return {"type": "Point", "coordinates": coordinates} if coordinates else None


EXPORTS: dict[str, tuple[type[RowShape], Callable[[Row], Any]]] = {
    "partnerships": (PartnershipRows, partnership_geometry),
    "projects": (ProjectRows, project_geometry),
    "cities": (CityRows, city_geometry),
}

# How CSV flattens a row (docs/exports.md): a date is its ISO form at its precision, then its
# precision and its wording; a linked city is one column per key; a list is one cell "a;b;c".
DATE_PARTS = (("", "iso"), ("_precision", "precision"), ("_as_written", "as_written"))


def joined(values: Any) -> str:
    return ";".join("" if value is None else str(value) for value in values)


Cells = Callable[[Row], tuple[Any, ...]]
CITY_CELLS = operator.itemgetter(*CITY_KEYS)
DATE_CELLS = operator.itemgetter(*(part for _suffix, part in DATE_PARTS))


def date_cells(name: str) -> Cells:
    return lambda row: DATE_CELLS(row[name]) if row[name] else (None,) * len(DATE_PARTS)


def city_cells(name: str) -> Cells:
    return lambda row: CITY_CELLS(row[name])


def cities_cells(name: str) -> Cells:
    def cells(row: Row) -> tuple[Any, ...]:
        if not row[name]:
            return ("",) * len(CITY_KEYS)
        return tuple(map(joined, zip(*map(CITY_CELLS, row[name]), strict=True)))

    return cells


def list_cells(name: str) -> Cells:
    return lambda row: (joined(row[name]),)


def value_cells(name: str) -> Cells:
    return lambda row: (row[name],)


def csv_columns(shape: type[RowShape]) -> tuple[list[str], Callable[[Row], list[Any]]]:
    """The CSV header of a row shape, and the function from a row to its cells (one getter
    per key of the row, each giving its cells: a download calls it for every record)."""
    columns: list[str] = []
    parts: list[Cells] = []
    for name, kind in shape.fields:
        if kind == DATE:
            columns += [name + suffix for suffix, _part in DATE_PARTS]
            parts.append(date_cells(name))
        elif kind in (CITY, CITIES):
            columns += [f"{name}_{key}" for key in CITY_KEYS]
            parts.append(city_cells(name) if kind == CITY else cities_cells(name))
        elif kind == LIST:
            columns.append(name)
            parts.append(list_cells(name))
        else:
            columns.append(name)
            parts.append(value_cells(name))
    return columns, lambda row: [cell for part in parts for cell in part(row)]


def stream_csv(shape: type[RowShape], rows: Iterator[Row]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)  # writes None as an empty cell, never a formula
    columns, cells = csv_columns(shape)
    yield "\ufeff"  # byte-order mark: spreadsheet programs then read UTF-8
    writer.writerow(columns)
    batch = []
    for row in rows:
        batch.append(cells(row))
        if len(batch) == 200:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


def stream_json(rows: Iterator[Row], meta: dict[str, Any], geometry: Any = None) -> Iterator[str]:
    """A JSON object whose records are written one by one (GeoJSON when ``geometry``): each
    record is the API's row of it, as is."""
    head = {**meta}
    if geometry:
        head = {"type": "FeatureCollection", **meta}
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield opening + (', "features": [' if geometry else ', "results": [')
    for count, row in enumerate(rows):
        record: Row = row
        if geometry:
            record = {"type": "Feature", "geometry": geometry(row), "properties": row}
        yield ("," if count else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def export_response(
    kind: str, fmt: str, queryset: QuerySet, request: HttpRequest, count: int
) -> StreamingHttpResponse:
    shape, geometry = EXPORTS[kind]
    rows = shape(request).stream(queryset)
    stamp = timezone.now()
    meta = {
        "source": request.build_absolute_uri(),
        "generated": stamp.isoformat(timespec="seconds"),
        "count": count,
        "licence": LICENCE,
    }
    name = f"twinning-{kind}-{stamp:%Y-%m-%d}"
    if fmt == "csv":
        body: Iterator[str] = stream_csv(shape, rows)
        content_type, extension = "text/csv; charset=utf-8", "csv"
    elif fmt == "geojson":
        body = stream_json(rows, meta, geometry)
        content_type, extension = "application/geo+json", "geojson"
    else:
        body = stream_json(rows, meta)
        content_type, extension = "application/json", "json"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response
