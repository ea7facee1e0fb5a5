"""One row shape per record type: what the API lists and what the downloads hold.

A partnership, a project or a city is the same JSON object in ``/api/v1/partnerships/`` and in
``/partnerships/?format=json`` (the GeoJSON's ``properties``; CSV flattens it, see
``docs/exports.md``). Rows are built here from ``.values()`` dictionaries, never from model
instances, so that a download of 200,000 records streams in chunks at the speed of the
database cursor; the API builds the rows of its page the same way.

Each shape is a ``RowShape``: the columns it reads (``values``), what it fetches once per chunk
(the cities of projects), and ``build``. Its OpenAPI description is the serializer of the same
name in ``api/serializers.py``; ``tests/test_api_contract.py`` holds the two together.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Model, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation

from agreements.models import CulturalProject, Partnership, themes_by_record
from cities.filters import country_names
from cities.models import City
from cities.regions import region_of
from common.dates import Precision

Row = dict[str, Any]
CHUNK = 2000


class Themes(Protocol):
    def of(self, pk: int) -> list[str]: ...


def number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def partial_date(date: datetime.date | None, precision: str, as_written: str) -> Row | None:
    """A date at its precision: ``{"date": "1998-01-01", "precision": "year", "iso": "1998",
    "as_written": "1377 SH"}``; the ``iso`` form never claims a day the source does not give."""
    if date is None:
        return None
    day = date.isoformat()
    precision = precision or Precision.DAY
    # PartialDate.iso, without making one per row of a download.
    iso = (
        day if precision == Precision.DAY else day[:7] if precision == Precision.MONTH else day[:4]
    )
    return {"date": day, "precision": precision, "iso": iso, "as_written": as_written}


def timestamp(value: datetime.datetime, zone: datetime.tzinfo) -> str:
    """As DRF writes a date and time: ISO 8601 in the site's time zone, UTC as ``Z``."""
    if timezone.is_aware(value):
        value = value.astimezone(zone)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class Links:
    """Absolute URLs of records from their slugs, without a ``reverse()`` per row: the
    permanent (unprefixed, English) page, and the API's record."""

    def __init__(self, request: HttpRequest | None, page: str, api: str) -> None:
        self.page = self.pattern(request, page)
        self.api = self.pattern(request, api)

    @staticmethod
    def pattern(request: HttpRequest | None, url_name: str) -> Callable[[str], str]:
        with translation.override(settings.LANGUAGE_CODE):
            url = reverse(url_name, args=["SLUG-PLACEHOLDER"])
        template = request.build_absolute_uri(url) if request else url
        head, _placeholder, tail = template.partition("SLUG-PLACEHOLDER")
        return lambda slug: head + slug + tail


class ThemesOf:
    """The theme slugs of a page of records: one query for all of them."""

    def __init__(self, model: type[Model], ids: list[int]) -> None:
        self.themes = themes_by_record(model, ids)

    def of(self, pk: int) -> list[str]:
        return sorted(self.themes.get(pk, ()))


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


class NoThemes:
    def of(self, pk: int) -> list[str]:
        return []


CITY_BRIEF = ("slug", "name", "country", "latitude", "longitude", "wikidata_id", "geonames_id")


class CityBriefs:
    """A linked city as every row names it: slug, name, page, country and coordinates."""

    def __init__(self, request: HttpRequest | None) -> None:
        self.page = Links.pattern(request, "directory:city-detail")
        self.country_names = country_names(translation.get_language() or settings.LANGUAGE_CODE)

    def brief(self, values: Sequence[Any]) -> Row:
        """``values`` in the order of ``CITY_BRIEF``."""
        slug, name, country, latitude, longitude, wikidata_id, geonames_id = values
        return {
            "slug": slug,
            "name": name,
            "url": self.page(slug),
            "country": country,
            "country_name": self.country_names.get(country, country),
            "latitude": number(latitude),
            "longitude": number(longitude),
            "wikidata_id": wikidata_id,
            "geonames_id": geonames_id,
        }


# What each key of a row holds, for the CSV's flattening rule (docs/exports.md): a plain
# value, a date (``partial_date``), a linked city (``CityBriefs``), a list of plain values or
# a list of linked cities.
VALUE, DATE, CITY, LIST, CITIES = "value", "date", "city", "list", "cities"
CITY_KEYS = (
    "slug",
    "name",
    "url",
    "country",
    "country_name",
    "latitude",
    "longitude",
    "wikidata_id",
    "geonames_id",
)


class RowShape:
    """How one record type is read and shaped; subclasses give ``model``, ``values`` (the
    columns read), ``fields`` (the row's keys, in order, and what each holds), ``themed`` and
    ``build``."""

    model: type[Model]
    values: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    themed = False

    def __init__(self, request: HttpRequest | None) -> None:
        self.request = request
        self.cities = CityBriefs(request)
        self.zone = timezone.get_current_timezone()

    def build(self, chunk: list[Row], themes: Themes) -> Iterator[Row]:
        raise NotImplementedError

    def annotations(self) -> dict[str, Any]:
        """Values computed by the database, read with ``values``."""
        return {}

    def stream(self, queryset: QuerySet) -> Iterator[Row]:
        """Every record of ``queryset`` in its order, read in chunks from one cursor."""
        themes: Themes = ThemesInOrder(queryset) if self.themed else NoThemes()
        values = (
            queryset.prefetch_related(None)
            .order_by(*total_order(queryset))
            .values("pk", *self.values, **self.annotations())
            .iterator(chunk_size=CHUNK)
        )
        chunk: list[Row] = []
        for row in values:
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield from self.build(chunk, themes)
                chunk = []
        if chunk:
            yield from self.build(chunk, themes)

    def rows_of(self, queryset: QuerySet, ids: list[int]) -> list[Row]:
        """The rows of records ``ids`` of ``queryset``, in the order of ``ids`` (a page)."""
        if not ids:
            return []
        by_pk = {
            row["pk"]: row
            for row in queryset.prefetch_related(None)
            .order_by()
            .filter(pk__in=ids)
            .values("pk", *self.values, **self.annotations())
        }
        chunk = [by_pk[pk] for pk in ids if pk in by_pk]
        themes: Themes = ThemesOf(self.model, ids) if self.themed else NoThemes()
        return list(self.build(chunk, themes))


class PartnershipRows(RowShape):
    model = Partnership
    themed = True
    fields = (
        ("slug", VALUE),
        ("url", VALUE),
        ("api_url", VALUE),
        ("city_a", CITY),
        ("city_b", CITY),
        ("kind", VALUE),
        ("institutions", VALUE),
        ("status", VALUE),
        ("established", DATE),
        ("ended", DATE),
        ("summary", VALUE),
        ("themes", LIST),
        ("updated_at", VALUE),
        ("last_confirmed", VALUE),
        ("last_confirmed_how", VALUE),
    )
    values = (
        "slug",
        *(f"city_a__{field}" for field in CITY_BRIEF),
        *(f"city_b__{field}" for field in CITY_BRIEF),
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
        "confirmed_at",
        "confirmed_how",
    )

    def __init__(self, request: HttpRequest | None) -> None:
        super().__init__(request)
        self.links = Links(request, "directory:partnership-detail", "api:partnership-detail")

    def build(self, chunk: list[Row], themes: Themes) -> Iterator[Row]:
        brief = self.cities.brief
        city_a = [f"city_a__{field}" for field in CITY_BRIEF]
        city_b = [f"city_b__{field}" for field in CITY_BRIEF]
        for row in chunk:
            slug = row["slug"]
            yield {
                "slug": slug,
                "url": self.links.page(slug),
                "api_url": self.links.api(slug),
                "city_a": brief([row[key] for key in city_a]),
                "city_b": brief([row[key] for key in city_b]),
                "kind": row["kind"],
                "institutions": row["institutions"],
                "status": row["status"],
                "established": partial_date(
                    row["established"],
                    row["established_precision"],
                    row["established_as_written"],
                ),
                "ended": partial_date(
                    row["ended"], row["ended_precision"], row["ended_as_written"]
                ),
                "summary": row["summary"],
                "themes": themes.of(row["pk"]),
                "updated_at": timestamp(row["updated_at"], self.zone),
                # The day of the last confirmation in the site's time zone, and how it was
                # made (who made it is staff information): null when never confirmed.
                "last_confirmed": confirmed.astimezone(self.zone).date().isoformat()
                if (confirmed := row["confirmed_at"])
                else None,
                "last_confirmed_how": row["confirmed_how"] or None,
            }


class ProjectRows(RowShape):
    model = CulturalProject
    themed = True
    fields = (
        ("slug", VALUE),
        ("url", VALUE),
        ("title", VALUE),
        ("status", VALUE),
        ("start", DATE),
        ("end", DATE),
        ("partnership", VALUE),
        ("cities", CITIES),
        ("network", VALUE),
        ("description", VALUE),
        ("outputs", VALUE),
        ("themes", LIST),
        ("updated_at", VALUE),
    )
    values = (
        "slug",
        "title",
        "status",
        "start",
        "start_precision",
        "start_as_written",
        "end",
        "end_precision",
        "end_as_written",
        "partnership__slug",
        "network__slug",
        "description",
        "outputs",
        "updated_at",
    )

    def __init__(self, request: HttpRequest | None) -> None:
        super().__init__(request)
        self.page = Links.pattern(request, "directory:project-detail")

    def annotations(self) -> dict[str, Any]:
        # Whether the partnership may be named: the query vocabulary's published(), read per row.
        public = CulturalProject.objects.published_q("partnership__")
        return {"partnership_public": ExpressionWrapper(public, output_field=BooleanField())}

    def cities_of(self, ids: Iterable[int]) -> dict[int, list[Row]]:
        """The cities of each project of a chunk, by name: one query per chunk."""
        cities: dict[int, list[Row]] = defaultdict(list)
        for project_id, *city in (
            CulturalProject.cities.through.objects.filter(culturalproject_id__in=list(ids))
            .order_by("city__name", "city_id")
            .values_list("culturalproject_id", *(f"city__{field}" for field in CITY_BRIEF))
        ):
            cities[project_id].append(self.cities.brief(city))
        return cities

    def build(self, chunk: list[Row], themes: Themes) -> Iterator[Row]:
        cities = self.cities_of(row["pk"] for row in chunk)
        for row in chunk:
            slug = row["slug"]
            # A draft partnership is not named, not even by its slug.
            published = row["partnership_public"]
            yield {
                "slug": slug,
                "url": self.page(slug),
                "title": row["title"],
                "status": row["status"],
                "start": partial_date(
                    row["start"], row["start_precision"], row["start_as_written"]
                ),
                "end": partial_date(row["end"], row["end_precision"], row["end_as_written"]),
                "partnership": row["partnership__slug"] if published else None,
                "cities": cities.get(row["pk"], []),
                "network": row["network__slug"],
                "description": row["description"],
                "outputs": row["outputs"],
                "themes": themes.of(row["pk"]),
                "updated_at": timestamp(row["updated_at"], self.zone),
            }


class CityRows(RowShape):
    model = City
    fields = (
        *((key, VALUE) for key in CITY_KEYS),
        ("region", VALUE),
        ("subdivision", VALUE),
        ("population", VALUE),
    )
    values = (*CITY_BRIEF, "subdivision", "population")

    def build(self, chunk: list[Row], themes: Themes) -> Iterator[Row]:
        brief = self.cities.brief
        for row in chunk:
            yield {
                **brief([row[field] for field in CITY_BRIEF]),
                "region": region_of(row["country"] or ""),
                "subdivision": row["subdivision"],
                "population": row["population"],
            }
