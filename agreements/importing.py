"""Bulk import of partnerships from the files city offices and researchers bring.

Every row of the file is accounted for: *imported* (a new partnership), *merged* (the
partnership was already recorded; the file is added to its sources) or *rejected* with the
reason. Cities are matched by identifier (Wikidata), then by name and country against the
cities already known (the GeoNames gazetteer included; names in any script, alternate names,
German exonyms in brackets), preferring the one nearest to the file's coordinates; a city is
created only when nothing matches. The whole import is one transaction: it lands entirely or
not at all, and a dry run rolls it back after reporting. Running it twice changes nothing.

Profiles read the two kinds of file we know (``PROFILES``):

- ``wikidata``: pairs of Wikidata items (``item_a,item_b``) with optional labels, country
  codes and coordinates for each, and optional ``start``/``end`` with their precision
  (``year``/``month``/``day`` or Wikidata's 9/10/11);
- ``twintowns-de``: the German municipal partnerships (``data/twintowns-de``).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from cities.models import Citation, City, CityName, Source
from cities.normalise import search_key
from common.db import analyze
from common.spreadsheets import SafeWriter
from publishing.facets import indexes_deferred
from publishing.publication import PublicationState

from .models import Partnership, PartnershipFacet, PartnershipKind, PartnershipStatus

# Two rows naming places this close, in one country, with related names, are one place
# (the same German town under two spellings).
SAME_PLACE_KM = 2.0
# A geocode further than this from the matched city is reported as wrong and not used.
PLAUSIBLE_KM = 75.0
# A name shared with a city this large means that city, wherever the geocoder put it.
LARGE_CITY = 100_000

COUNTRY_ALIASES = {
    "united states": "US",
    "usa": "US",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "cape verde": "CV",
    "kosovo": "XK",
    "macedonia": "MK",
    "south korea": "KR",
    "russia": "RU",
    "great britain": "GB",
}
# Names that stand for several countries: the row is rejected rather than guessed.
AMBIGUOUS_COUNTRIES = {"congo"}


REPORT_COLUMNS = [
    "row",
    "result",
    "reason",
    "partnership",
    "city_a",
    "city_a_match",
    "city_b",
    "city_b_match",
    "notes",
]


class RowRejected(Exception):
    """A row that cannot be imported, with the reason the report gives."""


@dataclass
class Place:
    """A city as a file describes it."""

    names: list[str]
    country: str
    latitude: float | None = None
    longitude: float | None = None
    wikidata_id: str = ""
    # Whether the file's coordinates can decide between namesakes (see Matcher.choose).
    trusted_geocode: bool = True

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.wikidata_id


@dataclass
class Row:
    number: int
    raw: dict[str, str]
    place_a: Place | None = None
    place_b: Place | None = None
    kind: str = ""
    status: str = ""
    established: tuple[datetime.date, str] | None = None
    ended: tuple[datetime.date, str] | None = None
    excerpt: str = ""
    excerpt_en: str = ""


@dataclass
class Outcome:
    row: int
    result: str  # imported, merged or rejected
    reason: str = ""
    partnership: str = ""
    city_a: str = ""
    city_a_match: str = ""
    city_b: str = ""
    city_b_match: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    profile: str
    file_name: str
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    cities_created: int = 0

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.result for outcome in self.outcomes)

    @property
    def reasons(self) -> Counter[str]:
        return Counter(o.reason for o in self.outcomes if o.result == "rejected")

    def summary(self) -> list[str]:
        counts = self.counts
        lines = [
            f"{self.file_name} ({self.profile})"
            + (" — dry run, nothing saved" if self.dry_run else ""),
            f"Rows: {len(self.outcomes)}",
            f"Imported: {counts['imported']}",
            f"Merged with a partnership already recorded: {counts['merged']}",
            f"Rejected: {counts['rejected']}",
            f"Cities created: {self.cities_created}",
        ]
        lines += [f"  rejected, {reason}: {n}" for reason, n in self.reasons.most_common()]
        return lines

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = SafeWriter(buffer)  # rows quote the uploaded file: never a formula
        writer.writerow(REPORT_COLUMNS)
        for o in self.outcomes:
            notes = "; ".join(o.notes)
            first = [o.row, o.result, o.reason, o.partnership, o.city_a, o.city_a_match]
            writer.writerow([*first, o.city_b, o.city_b_match, notes])
        return "\ufeff" + buffer.getvalue()


def country_code(name: str) -> str:
    """An ISO code from an English country name or a code; "" when unknown."""
    name = name.strip()
    if not name:
        return ""
    if name.casefold() in AMBIGUOUS_COUNTRIES:
        raise RowRejected(f"ambiguous country name: {name}")
    if len(name) == 2 and name.upper() in countries:
        return name.upper()
    return COUNTRY_ALIASES.get(name.casefold()) or countries.by_name(name, insensitive=True) or ""


def number(value: str) -> float | None:
    try:
        return float(Decimal(value.strip())) if value and value.strip() else None
    except InvalidOperation:
        return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


BRACKETS = re.compile(r"\s*\(([^()]*)\)")
PRECISIONS = {"9": "year", "10": "month", "11": "day", "year": "year", "month": "month"}
PRECISIONS["day"] = "day"


def name_variants(text: str) -> list[str]:
    """The name as written, without its bracketed parts, and each bracketed part:
    "Vratimov (Rattimau)" gives Vratimov (Rattimau), Vratimov, Rattimau."""
    text = text.strip()
    outside = BRACKETS.sub("", text).strip()
    inside = [part.strip() for part in BRACKETS.findall(text) if part.strip()]
    return list(dict.fromkeys(name for name in [text, outside, *inside] if name))


def partial_date(value: str, precision: str = "") -> tuple[datetime.date, str] | None:
    """ "1998", "1998-05", "1998-05-01" or a Wikidata time with its precision."""
    value = value.strip().lstrip("+")
    if not value:
        return None
    if re.fullmatch(r"\d{4}", value):
        return datetime.date(int(value), 1, 1), "year"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return datetime.date(int(value[:4]), int(value[5:7]), 1), "month"
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        raise RowRejected(f"unreadable date: {value}")
    stated = PRECISIONS.get(precision.strip())
    if "T" in value and not stated:
        raise RowRejected(f"a date-time without its precision: {value}")
    year, month, day = (int(part) for part in match.groups())
    precision = stated or "day"
    return datetime.date(year, max(month, 1), max(day, 1)), precision


# -- Profiles: read a file's rows into Places and partnership fields ------------------------


def read_wikidata(raw: dict[str, str], number_: int) -> Row:
    row = Row(number_, raw, kind=PartnershipKind.SISTER_CITY)
    for side in ("a", "b"):
        item = raw.get(f"item_{side}", "").strip().rsplit("/", 1)[-1]
        if not re.fullmatch(r"Q[1-9]\d*", item):
            raise RowRejected(f"item_{side} is not a Wikidata id")
        label = raw.get(f"item_{side}_label", "").strip()
        place = Place(
            names=[label] if label else [],
            country=country_code(raw.get(f"item_{side}_country", "")),
            latitude=number(raw.get(f"item_{side}_lat", "")),
            longitude=number(raw.get(f"item_{side}_lon", "")),
            wikidata_id=item,
        )
        setattr(row, f"place_{side}", place)
    row.established = partial_date(raw.get("start", ""), raw.get("start_precision", ""))
    row.ended = partial_date(raw.get("end", ""), raw.get("end_precision", ""))
    if row.ended:
        row.status = PartnershipStatus.ENDED
    statement = f"{row.place_a.wikidata_id} P190 {row.place_b.wikidata_id}"  # type: ignore[union-attr]
    dates = [(key, value) for key, value in raw.items() if key.startswith(("start", "end"))]
    row.excerpt = statement + "".join(f"; {key}: {value}" for key, value in dates if value)
    row.excerpt_en = f"Wikidata: {statement} (twinned administrative body)"
    return row


GERMAN_FORMS = {
    "p": (PartnershipKind.SISTER_CITY, "Partnerschaft (twinning)"),
    "f": (PartnershipKind.FRIENDSHIP, "Freundschaft (friendship)"),
    "k": (PartnershipKind.COOPERATION, "Kontakt (contact)"),
}
GERMAN_ASSOCIATIONS = (
    "verbandsgemeinde",
    "samtgemeinde",
    "amt ",
    "(amt)",
    "gemeindeverwaltungsverband",
)


def read_twintowns_de(raw: dict[str, str], number_: int) -> Row:
    municipality = raw.get("municipality", "").strip()
    partner = raw.get("partnergemeinde", "").strip()
    lowered = municipality.casefold()
    if "(kreis)" in lowered or lowered.endswith("kreis") or "landkreis" in lowered:
        raise RowRejected("the German side is a district (Kreis), not a city")
    if any(word in lowered for word in GERMAN_ASSOCIATIONS):
        raise RowRejected("the German side is an association of municipalities")
    if not partner:
        raise RowRejected("no partner named")
    if partner.casefold().startswith(("wojewodschaft", "region ", "département", "county ")):
        raise RowRejected("the partner is a region, not a city")
    form = raw.get("form", "").strip()
    if form not in GERMAN_FORMS:
        raise RowRejected("no form of partnership given (p, f or k)")
    kind, form_label = GERMAN_FORMS[form]
    partner_country = country_code(raw.get("country", "") or raw.get("land", ""))
    if not partner_country:
        raise RowRejected("the partner's country is missing or unknown")
    row = Row(number_, raw, kind=kind)
    row.place_a = Place(
        names=name_variants(municipality),
        country="DE",
        latitude=number(raw.get("latitude", "")),
        longitude=number(raw.get("longitude", "")),
    )
    # The German side was geocoded from its postcode; the partners by name, often wrongly
    # (the data set's README: Pinsk placed in Austria), so their geocodes decide nothing.
    row.place_b = Place(
        names=name_variants(partner),
        country=partner_country,
        latitude=number(raw.get("partner_latitude", "")),
        longitude=number(raw.get("partner_longitude", "")),
        trusted_geocode=False,
    )
    row.established = partial_date(raw.get("seit", ""))
    row.excerpt = ", ".join(f"{key}={value}" for key, value in raw.items() if value)
    since = f", since {raw['seit']}" if raw.get("seit") else ""
    row.excerpt_en = (
        f"{municipality} (Germany) – {partner} ({raw.get('country', '')}){since}; "
        f"form {form}: {form_label}"
    )
    return row


@dataclass(frozen=True)
class Profile:
    name: str
    reader: Any
    source_title: str
    publisher: str
    language: str
    url: str = ""


PROFILES = {
    "wikidata": Profile(
        "wikidata",
        read_wikidata,
        "Wikidata: twinned administrative body (P190)",
        "Wikidata",
        "en",
        "https://www.wikidata.org/wiki/Property:P190",
    ),
    "twintowns-de": Profile(
        "twintowns-de",
        read_twintowns_de,
        "German municipal partnerships (TwinTowns_clean.csv)",
        "Dominik Muench, from the German section of CEMR's partnership database (c. 2014)",
        "de",
        "https://github.com/muenchdo/TwinTowns",
    ),
}


# -- Matching cities --------------------------------------------------------------------------


@dataclass
class KnownCity:
    pk: int
    name: str
    country: str
    latitude: float | None
    longitude: float | None
    population: int


class CityIndex:
    """Every known city by country and normalised name (its names in every script included),
    loaded once; cities created during the import join it."""

    def __init__(self) -> None:
        self.cities: dict[int, KnownCity] = {}
        self.by_name: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.by_wikidata: dict[str, int] = {}
        self.by_country: dict[str, list[int]] = defaultdict(list)
        rows = City.objects.values_list(
            "pk",
            "name",
            "country",
            "latitude",
            "longitude",
            "population",
            "wikidata_id",
            "search_key",
        )
        for pk, name, country, lat, lon, population, wikidata_id, key in rows.iterator(
            chunk_size=5000
        ):
            self.add(pk, name, str(country), lat, lon, population or 0, wikidata_id, key)
        for city_id, key in CityName.objects.values_list("city_id", "search_key").iterator(
            chunk_size=20000
        ):
            city = self.cities.get(city_id)
            if city is not None and key:
                self.by_name[(city.country, key)].add(city_id)

    def add(
        self,
        pk: int,
        name: str,
        country: str,
        latitude: Any,
        longitude: Any,
        population: int,
        wikidata_id: str | None,
        key: str,
    ) -> None:
        city = KnownCity(
            pk,
            name,
            country,
            float(latitude) if latitude is not None else None,
            float(longitude) if longitude is not None else None,
            population,
        )
        self.cities[pk] = city
        self.by_name[(country, key)].add(pk)
        self.by_country[country].append(pk)
        if wikidata_id:
            self.by_wikidata[wikidata_id] = pk

    def near(self, country: str, point: tuple[float, float], km: float) -> list[tuple[float, int]]:
        found = []
        for pk in self.by_country.get(country, []):
            city = self.cities[pk]
            if city.latitude is not None and city.longitude is not None:
                gap = distance_km(point, (city.latitude, city.longitude))
                if gap <= km:
                    found.append((gap, pk))
        return sorted(found)


@dataclass
class Match:
    city: int
    how: str  # "id", "name", "proximity" or "created"
    notes: list[str] = field(default_factory=list)


class Matcher:
    def __init__(self, index: CityIndex, report: ImportReport) -> None:
        self.index = index
        self.report = report
        # What this row added to the index: undone when the row is rejected and rolled back.
        self.journal: list[tuple[str, Any]] = []

    def commit(self) -> None:
        self.report.cities_created += sum(1 for kind, _ in self.journal if kind == "city")
        self.journal = []

    def undo(self) -> None:
        for kind, entry in reversed(self.journal):
            if kind == "city":
                pk, keys = entry
                city = self.index.cities.pop(pk)
                self.index.by_country[city.country].remove(pk)
                for key in keys:
                    self.index.by_name[key].discard(pk)
            elif kind == "wikidata":
                self.index.by_wikidata.pop(entry, None)
        self.journal = []

    def match(self, place: Place) -> Match:
        if place.wikidata_id and place.wikidata_id in self.index.by_wikidata:
            return Match(self.index.by_wikidata[place.wikidata_id], "id")
        if not place.country:
            raise RowRejected(f"no country for {place.label}: cannot match or create it")
        point = (
            (place.latitude, place.longitude)
            if place.latitude is not None and place.longitude is not None
            else None
        )
        notes: list[str] = []
        for name in place.names:
            candidates = self.index.by_name.get((place.country, search_key(name)), set())
            if not candidates:
                continue
            chosen = self.choose(candidates, place, point, notes)
            if chosen is None:
                break  # namesakes only, far from the file's geocode: a town of its own
            self.record_wikidata(chosen, place)
            return Match(chosen, "name", notes)
        if point is not None:
            for gap, pk in self.index.near(place.country, point, SAME_PLACE_KM):
                if same_place_names(self.index.cities[pk].name, place.names):
                    notes.append(
                        f"{place.label} taken as {self.index.cities[pk].name}, {gap:.1f} km"
                    )
                    return Match(pk, "proximity", notes)
        return self.create(place, point, notes)

    def choose(
        self,
        candidates: set[int],
        place: Place,
        point: tuple[float, float] | None,
        notes: list[str],
    ) -> int | None:
        """The city a name stands for, or None when it is a namesake of the file's town.

        Without a geocode: the most populous of that name. With one: the nearest within
        ``PLAUSIBLE_KM``. A geocode far from every candidate is either wrong (the profile does
        not trust its geocodes, it lies far from any city of the country, or the name is a
        large city's: Paris, Minsk) and is ignored, or right and the file means a smaller
        namesake, created as a city of its own.
        """
        cities = [self.index.cities[pk] for pk in candidates]
        largest = max(cities, key=lambda c: (c.population, -c.pk))
        located = [c for c in cities if c.latitude is not None and c.longitude is not None]
        if point is None or not located:
            return largest.pk
        gap, nearest = min(
            (distance_km(point, (c.latitude, c.longitude)), c)  # type: ignore[arg-type]
            for c in located
        )
        if gap <= PLAUSIBLE_KM:
            return nearest.pk
        if (
            not place.trusted_geocode
            or largest.population >= LARGE_CITY
            or not self.plausible(place.country, point)
        ):
            notes.append(
                f"the file's coordinates for {place.label} are {gap:.0f} km from "
                f"{nearest.name}: ignored"
            )
            return largest.pk
        notes.append(
            f"{place.label}: the known {largest.name} lies {gap:.0f} km away, taken as a namesake"
        )
        return None

    def record_wikidata(self, pk: int, place: Place) -> None:
        if not place.wikidata_id or place.wikidata_id in self.index.by_wikidata:
            return
        unset = City.objects.filter(pk=pk, wikidata_id__isnull=True)
        if unset.update(wikidata_id=place.wikidata_id):
            self.index.by_wikidata[place.wikidata_id] = pk
            self.journal.append(("wikidata", place.wikidata_id))

    def create(self, place: Place, point: tuple[float, float] | None, notes: list[str]) -> Match:
        if not place.names:
            raise RowRejected(f"{place.label} is unknown and the file gives no name for it")
        name = place.names[1] if len(place.names) > 1 and "(" in place.names[0] else place.names[0]
        if point is not None and not self.plausible(place.country, point):
            notes.append(
                f"coordinates of {name} lie far from any city of {place.country}: left empty"
            )
            point = None
        city = City(
            name=name[:200],
            slug=self.free_slug(name, place.country),
            country=place.country,
            latitude=Decimal(f"{point[0]:.5f}") if point else None,
            longitude=Decimal(f"{point[1]:.5f}") if point else None,
            wikidata_id=place.wikidata_id or None,
        )
        city.save()
        # The name as the file writes it, brackets and all, is kept as another name; what is
        # inside brackets may be an exonym or a region ("Brixlegg (Tirol)"), so it is not.
        if place.names[0] != city.name:
            CityName.objects.get_or_create(city=city, name=place.names[0][:200], language="")
        self.index.add(
            city.pk,
            city.name,
            place.country,
            city.latitude,
            city.longitude,
            0,
            city.wikidata_id,
            city.search_key,
        )
        keys = {(place.country, city.search_key), (place.country, search_key(place.names[0]))}
        for key in keys:
            self.index.by_name[key].add(city.pk)
        self.journal.append(("city", (city.pk, keys)))
        if city.wikidata_id:
            self.journal.append(("wikidata", city.wikidata_id))
        return Match(city.pk, "created", notes)

    def plausible(self, country: str, point: tuple[float, float]) -> bool:
        """A geocode is plausible when a known city of that country lies within 500 km
        (Pinsk placed in Austria is not)."""
        if not self.index.by_country.get(country):
            return True
        return bool(self.index.near(country, point, 500.0))

    @staticmethod
    def free_slug(name: str, country: str) -> str:
        base = slugify(name)[:180] or "city"
        for candidate in (base, f"{base}-{country.lower()}"):
            if not City.objects.filter(slug=candidate).exists():
                return candidate
        n = 2
        while City.objects.filter(slug=f"{base}-{country.lower()}-{n}").exists():
            n += 1
        return f"{base}-{country.lower()}-{n}"


_ORDINAL = re.compile(r"^(?:[ivxlc]+|\d+)$")


def same_place_names(known: str, names: Iterable[str]) -> bool:
    """Two spellings of one place ("Altdorf b. Nürnberg", "Altdorf bei Nürnberg"), not two
    places with similar names ("V." and "XV. Stadtbezirk von Budapest", "Caudebec-lès-Elbeuf"
    and "Elbeuf")."""
    a = search_key(known)
    for name in names:
        b = search_key(name)
        if not a or not b:
            continue
        different = set(a.split()) ^ set(b.split())
        if any(_ORDINAL.match(token) for token in different):
            continue
        if SequenceMatcher(None, a, b).ratio() >= 0.85:
            return True
    return False


# -- The import -------------------------------------------------------------------------------


def read_rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for number_, raw in enumerate(reader, 2):  # row 1 is the header
        yield number_, {key.strip(): (value or "").strip() for key, value in raw.items() if key}


class DryRunRollback(Exception):
    pass


def import_partnerships(
    text: str,
    profile_name: str,
    file_name: str,
    dry_run: bool = False,
    publish: bool = False,
) -> ImportReport:
    """Import a CSV file's partnerships in one transaction; see the module's description."""
    profile = PROFILES[profile_name]
    report = ImportReport(profile.name, Path(file_name).name, dry_run)
    try:
        with transaction.atomic(), indexes_deferred():
            touched = run(text, profile, report, publish)
            Partnership.objects.filter(pk__in=touched).refresh_facets()
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    else:  # fresh statistics, or the planner joins the new rows in nested loops
        analyze(Partnership, PartnershipFacet, City, CityName, Citation)
    return report


def run(text: str, profile: Profile, report: ImportReport, publish: bool) -> set[int]:
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    source, _created = Source.objects.get_or_create(
        title=profile.source_title,
        publisher=profile.publisher,
        defaults={
            "language": profile.language,
            "url": profile.url,
            "accessed": timezone.localdate(),
            "note": f"Imported from {report.file_name} (SHA-256 {digest}…) with profile "
            f"{profile.name}.",
        },
    )
    index = CityIndex()
    matcher = Matcher(index, report)
    touched: set[int] = set()
    state = PublicationState.PUBLISHED if publish else PublicationState.DRAFT
    for number_, raw in read_rows(text):
        outcome = Outcome(number_, "rejected")
        report.outcomes.append(outcome)
        try:
            with transaction.atomic():  # a rejected row leaves nothing behind
                row = profile.reader(raw, number_)
                first = matcher.match(row.place_a)
                second = matcher.match(row.place_b)
                outcome.city_a, outcome.city_a_match = index.cities[first.city].name, first.how
                outcome.city_b, outcome.city_b_match = index.cities[second.city].name, second.how
                outcome.notes = first.notes + second.notes
                if first.city == second.city:
                    raise RowRejected("both sides are the same city")
                partnership, created = save_partnership(row, first.city, second.city, state)
                cite(partnership, source, row)
        except RowRejected as rejection:
            matcher.undo()
            outcome.reason = str(rejection)
            continue
        matcher.commit()
        outcome.result = "imported" if created else "merged"
        outcome.partnership = partnership.slug
        touched.add(partnership.pk)
    return touched


def save_partnership(row: Row, city_a: int, city_b: int, state: str) -> tuple[Partnership, bool]:
    low, high = sorted([city_a, city_b])
    existing = Partnership.objects.filter(city_a_id=low, city_b_id=high, kind=row.kind).first()
    if existing is not None:
        return existing, False
    partnership = Partnership(
        city_a_id=low,
        city_b_id=high,
        kind=row.kind,
        status=row.status,
        publication_state=state,
    )
    if row.established:
        partnership.established, partnership.established_precision = row.established
    if row.ended:
        partnership.ended, partnership.ended_precision = row.ended
    if (
        partnership.ended
        and partnership.established
        and partnership.ended < partnership.established
    ):
        raise RowRejected("the end is before the start")
    partnership.slug = unique_partnership_slug(partnership)
    partnership.save()
    return partnership, True


def unique_partnership_slug(partnership: Partnership) -> str:
    base = partnership.make_slug()
    slug, n = base, 2
    while Partnership.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def cite(partnership: Partnership, source: Source, row: Row) -> None:
    """The file is the source of what it brought; a row is cited once, however often run."""
    Citation.objects.get_or_create(
        source=source,
        content_type_id=partnership_content_type(),
        object_id=partnership.pk,
        excerpt=row.excerpt,
        defaults={"excerpt_en": row.excerpt_en, "locator": f"row {row.number}"},
    )


def partnership_content_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Partnership).pk
