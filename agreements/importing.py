"""Bulk import of partnerships from the files city offices and researchers bring.

Every row of the file is accounted for: *imported* (a new partnership), *merged* (the
partnership was already recorded; the file is added to its sources) or *rejected* with the
reason. Cities are matched by identifier (Wikidata, then GeoNames), then by name and country
against the cities already known (the GeoNames gazetteer included; names in any script,
alternate names, German exonyms in brackets), preferring the one nearest to the file's
coordinates; a city is created only when nothing matches and something vouches for the place
(``Matcher.confident``), else the row waits in the unmatched places queue for a curator
(``agreements.unmatched``: "waiting" in the report). Rows are matched in memory and what
they add is written in bulk once all are read (``Writer``). The whole import is one
transaction: it lands entirely or not at all, and a dry run rolls it back after reporting.
Running it twice changes nothing.

Several sources, one partnership (``agreements.claims``): a row joins the partnership already
recorded for its pair of cities, whatever kind that one has; the kind is one more thing a
source states, like the year. A second partnership of the pair is made only when the pair has
none of the row's kind and the row's own source already gave each of the pair's partnerships
another kind (the German list gives Erfurt–Kati as a friendship since 2009 and as a twinning
since 2011: two entries, two records). Each cited row records its claims (year or date at its
precision, end, kind, status) with its citation; an empty field of the record takes the first
value stated, a stated one stays as it is and the differing claim is kept beside it for a
curator to prefer. On the shipped files (Wikidata first, as ``load_open_data``), the German
list merges 2,017 rows instead of 1,833: 185 pairs that were two records (a Wikidata twinning
and a German friendship or contact) are one whose kinds differ, leaving 9 pairs with two
records (20,347 partnerships, 2,006 citing both sources, 27,202 claims); 3 partnerships have
years that differ (the German list giving one pair twice: Celle–Tavistock 1952 and 1977).

Profiles read the two kinds of file we know (``PROFILES``):

- ``wikidata``: pairs of Wikidata items (``item_a,item_b``) with optional labels, country
  codes, coordinates and GeoNames ids for each (``data/wikidata-p190/pairs.csv``), and
  optional ``start``/``end`` with their precision (``year``/``month``/``day`` or Wikidata's
  9/10/11);
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
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cities.levels import MUNICIPALITY, REGION, stated_level
from cities.models import Citation, City, CityName, OtherWikidataId, Source
from cities.normalise import search_key
from common.db import analyze
from common.spreadsheets import SafeWriter
from publishing.events import bulk_write
from publishing.facets import indexes_deferred
from publishing.publication import PublicationState

from .claims import DATE_FIELDS, Claim, ClaimField, record_value, stated_claims, take
from .models import Partnership, PartnershipFacet, PartnershipKind, PartnershipStatus

# Two rows naming places this close, in one country, with related names, are one place
# (the same German town under two spellings).
SAME_PLACE_KM = 2.0
# A geocode further than this from the matched city is reported as wrong and not used.
PLAUSIBLE_KM = 75.0
# A name shared with a city this large means that city, wherever the geocoder put it.
LARGE_CITY = 100_000
# Rows per INSERT of the bulk writes.
BATCH = 2000

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


# The reason a row waiting in the unmatched places queue gives (``agreements.unmatched``).
WAITING = "waiting for a curator to match a place"


class RowRejected(Exception):
    """A row that cannot be imported, with the reason the report gives (the same words for
    every row so rejected, so that the summary counts them) and what it concerns."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.detail = detail


class Unmatched(Exception):
    """A place that matches no city with confidence (``Matcher.confident``): its row waits in
    the unmatched places queue (``agreements.unmatched``) for a curator."""

    def __init__(self, place: Place) -> None:
        super().__init__(place.label)
        self.place = place


@dataclass
class Place:
    """A city as a file describes it."""

    names: list[str]
    country: str
    latitude: float | None = None
    longitude: float | None = None
    wikidata_id: str = ""
    geonames_id: int | None = None
    # Whether the file's coordinates can decide between namesakes (see Matcher.choose).
    trusted_geocode: bool = True
    # The administrative level the file states (``cities.levels``), and for a district the
    # name of its city: "Berlin (Bezirk Mitte)" is Mitte, a district of Berlin.
    level: str = MUNICIPALITY
    parent: str = ""
    written: str = ""  # the name as the file writes it, when the level changed it
    # The file is the register of this body itself (the German list for the German Kreise
    # that keep partnerships): it may be created without a gazetteer match or a geocode.
    vouched: bool = False

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.wikidata_id


def with_level(place: Place, text: str) -> Place:
    """``place`` as a district or region when ``text``, its name in the file, says it is one
    (``cities.levels.stated_level``); otherwise unchanged, a municipality."""
    stated = stated_level(text)
    if stated is not None:
        place.level, place.parent, place.written = stated.level, stated.parent, text
        place.names = [stated.name]
        place.geonames_id = None  # the file's GeoNames place is a town, not this body
    return place


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
    result: str  # imported, merged, rejected or waiting (for a curator to match a place)
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
    places_waiting: int = 0  # places of the unmatched queue its waiting rows wait on

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
            f"Waiting for a match: {counts['waiting']}",
            f"Cities created: {self.cities_created}",
            f"Places waiting for a curator to match them: {self.places_waiting}",
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
    """An ISO code from a country name (English first, then as CLDR writes it in the
    languages of ``NAME_LANGUAGES``: Deutschland, Allemagne, Germania, آلمان, Đức) or an
    ISO 3166 code of two or three letters; "" when unknown."""
    name = name.strip()
    if not name:
        return ""
    folded = name.casefold()
    if folded in AMBIGUOUS_COUNTRIES or folded in foreign_country_names()[1]:
        raise RowRejected(f"ambiguous country name: {name}")
    if len(name) == 2 and name.upper() in countries:
        return name.upper()
    if len(name) == 3 and name.isascii() and name.isalpha():
        code = countries.alpha2(name.upper())
        if code:
            return str(code)
    return (
        COUNTRY_ALIASES.get(folded)
        or english_country(folded)
        or foreign_country_names()[0].get(folded, "")
    )


# The languages whose country names a file may use: the site's, its neighbours' and the
# registries' (German, French, Spanish, Portuguese, Dutch, Polish, Czech, the Nordic
# languages, Russian, Ukrainian, Turkish, Arabic, Chinese, Japanese, Korean).
NAME_LANGUAGES = (  # noqa: SIM905 - a list of 33 codes reads better as one string
    "it fa vi de fr es pt nl pl cs sk hu ro hr sl sv da nb fi et lv lt el ru uk bg tr ar "
    "he zh ja ko id"
).split()


@cache
def foreign_country_names() -> tuple[dict[str, str], frozenset[str]]:
    """CLDR's country names (Babel) in ``NAME_LANGUAGES``, casefolded, to their codes; and
    the names that stand for two countries in two languages, which are refused rather than
    guessed. Read once per process (about a tenth of a second)."""
    from babel import Locale

    codes: dict[str, set[str]] = defaultdict(set)
    for language in NAME_LANGUAGES:
        for code, label in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code in countries:
                codes[label.casefold()].add(code)
    names = {name: next(iter(found)) for name, found in codes.items() if len(found) == 1}
    return names, frozenset(name for name, found in codes.items() if len(found) > 1)


@cache
def english_country(name: str) -> str:
    """django-countries' match of an English name, remembered: each call translates all 250
    names, a quarter of the open-data load for 11,000 rows naming 200 countries."""
    return countries.by_name(name, insensitive=True) or ""


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
    try:
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
        return datetime.date(year, max(month, 1), max(day, 1)), stated or "day"
    except ValueError:  # "0000", "1998-13", "1998-02-30": the row, not the whole file
        raise RowRejected(f"no such date: {value}") from None


def geonames_id(value: str) -> int | None:
    value = value.strip()
    # Digits 0-9 and no more than a key holds: str.isdigit() takes "²", which int() refuses,
    # and int() refuses more than 4300 digits (a 500 for the whole file).
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value) or None


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
            geonames_id=geonames_id(raw.get(f"item_{side}_geonames_id", "")),
        )
        setattr(row, f"place_{side}", with_level(place, label))
    row.established = partial_date(raw.get("start", ""), raw.get("start_precision", ""))
    row.ended = partial_date(raw.get("end", ""), raw.get("end_precision", ""))
    if row.ended:
        row.status = PartnershipStatus.ENDED
    # What the statement says, in words: the file has no prose to quote.
    sides = [
        f"{place.label} ({place.wikidata_id})" if place.names else place.wikidata_id
        for place in (row.place_a, row.place_b)
        if place is not None
    ]
    qualifiers = [
        f"{label}: {raw[key].lstrip('+').split('T')[0]}"
        for key, label in (("start", "start time (P580)"), ("end", "end time (P582)"))
        if raw.get(key)
    ]
    row.excerpt = " — twinned administrative body (P190) — ".join(sides)
    row.excerpt += "".join(f"; {qualifier}" for qualifier in qualifiers)
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


def german_district(municipality: str) -> str | None:
    """The name of the Kreis (a rural district, level "region") a German side names, without
    the seat the list adds in brackets: "Oldenburg (Kreis) (Wildeshausen)" is "Oldenburg
    (Kreis)", "Rhein-Sieg-Kreis (Kreis)" "Rhein-Sieg-Kreis"; None for a municipality."""
    lowered = municipality.casefold()
    if not ("(kreis)" in lowered or lowered.endswith("kreis") or "landkreis" in lowered):
        return None
    bracketed = re.match(r"^(.*?)\s*\(Kreis\)", municipality, re.IGNORECASE)
    if bracketed is None:
        return municipality  # "Landkreis Göttingen", "Enzkreis"
    base = bracketed[1].strip().strip('"')
    return base if base.casefold().endswith("kreis") else f"{base} (Kreis)"


def read_twintowns_de(raw: dict[str, str], number_: int) -> Row:
    municipality = raw.get("municipality", "").strip()
    partner = raw.get("partnergemeinde", "").strip()
    lowered = municipality.casefold()
    district = german_district(municipality)
    if any(word in lowered for word in GERMAN_ASSOCIATIONS):
        raise RowRejected("the German side is an association of municipalities")
    if not partner:
        raise RowRejected("no partner named")
    form = raw.get("form", "").strip()
    if form not in GERMAN_FORMS:
        raise RowRejected("no form of partnership given (p, f or k)")
    kind, form_label = GERMAN_FORMS[form]
    partner_country = country_code(raw.get("country", "") or raw.get("land", ""))
    if not partner_country:
        raise RowRejected("the partner's country is missing or unknown")
    row = Row(number_, raw, kind=kind)
    if district is not None:
        # A Kreis keeps partnerships of its own (with a powiat, a département, a county): a
        # place of its own, never its seat's town. Its geocode is its seat's postcode, and
        # sometimes another Land's ("Altenburger Land" placed in Niedersachsen): left out.
        row.place_a = Place(
            names=[district], country="DE", level=REGION, written=municipality, vouched=True
        )
    else:
        row.place_a = with_level(
            Place(
                names=name_variants(municipality),
                country="DE",
                latitude=number(raw.get("latitude", "")),
                longitude=number(raw.get("longitude", "")),
            ),
            municipality,
        )
    # The German side was geocoded from its postcode; the partners by name, often wrongly
    # (the data set's README: Pinsk placed in Austria), so their geocodes decide nothing.
    row.place_b = with_level(
        Place(
            names=name_variants(partner),
            country=partner_country,
            latitude=number(raw.get("partner_latitude", "")),
            longitude=number(raw.get("partner_longitude", "")),
            trusted_geocode=False,
        ),
        partner,
    )
    row.established = partial_date(raw.get("seit", ""))
    # A table, not prose: nothing to quote in German. The row in words, from its own columns
    # (not the geocoder's place names, which are often wrong).
    german_side = ", ".join(part for part in (municipality, raw.get("bundesland", "")) if part)
    partner_country = raw.get("country", "") or raw.get("land", "")
    since = f" since {raw['seit']}" if raw.get("seit") else ""
    row.excerpt_en = f"{german_side}, Germany – {partner}, {partner_country}: {form_label}{since}"
    return row


@dataclass(frozen=True)
class Profile:
    name: str
    reader: Any
    source_title: str
    publisher: str
    language: str
    url: str = ""
    # A mapped profile's columns (field -> column), kept with the rows that wait for a match.
    mapping: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


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


# -- A file with neither profile: its columns mapped by the user ------------------------------

# What a column may be mapped to (``--map city_a=Stadt``): the two cities, their countries
# (names in English or ISO codes), optionally coordinates and GeoNames or Wikidata ids, and
# the partnership's year (or date), kind and status.
MAPPABLE = {
    "city_a": "the first city's name",
    "country_a": "the first city's country (English name or ISO code)",
    "city_b": "the second city's name",
    "country_b": "the second city's country (English name or ISO code)",
    "latitude_a": "the first city's latitude",
    "longitude_a": "the first city's longitude",
    "latitude_b": "the second city's latitude",
    "longitude_b": "the second city's longitude",
    "geonames_a": "the first city's GeoNames id",
    "geonames_b": "the second city's GeoNames id",
    "wikidata_a": "the first city's Wikidata id (Q…)",
    "wikidata_b": "the second city's Wikidata id (Q…)",
    "established": "the year or date it was established (1998, 1998-05, 1998-05-01)",
    "ended": "the year or date it ended (1998, 1998-05, 1998-05-01); its status is then ended",
    "kind": "its kind (sister city, friendship, cooperation, institutional, or their codes)",
    "status": "its status (proposed, active, dormant, ended, or their codes)",
}
REQUIRED = ("city_a", "country_a", "city_b", "country_b")


def choice_value(choices: Any, value: str, what: str) -> str:
    """A kind or status from its code ("sister_city") or English label ("sister city")."""
    value = value.strip()
    if not value:
        return ""
    wanted = value.casefold().replace("-", " ").replace("_", " ")
    for code, label in choices.choices:
        labels = {
            code.replace("_", " "),
            str(label).casefold(),
            *str(label).casefold().split(" / "),
        }
        if wanted in labels:
            return str(code)
    raise RowRejected(f"unknown {what}: {value}")


def mapped_reader(mapping: dict[str, str]) -> Any:
    """A reader of rows whose columns ``mapping`` names (field -> column)."""

    def column(raw: dict[str, str], field: str) -> str:
        return raw.get(mapping[field], "").strip() if field in mapping else ""

    def read(raw: dict[str, str], number_: int) -> Row:
        row = Row(number_, raw)
        for side in ("a", "b"):
            name = column(raw, f"city_{side}")
            if not name:
                raise RowRejected(f"no name for city_{side}")
            country = country_code(column(raw, f"country_{side}"))
            if not country:
                raise RowRejected(f"the country of city_{side} is missing or unknown")
            wikidata = column(raw, f"wikidata_{side}").rsplit("/", 1)[-1]
            if wikidata and not re.fullmatch(r"Q[1-9]\d*", wikidata):
                raise RowRejected(f"wikidata_{side} is not a Wikidata id")
            place = Place(
                names=name_variants(name),
                country=country,
                latitude=number(column(raw, f"latitude_{side}")),
                longitude=number(column(raw, f"longitude_{side}")),
                wikidata_id=wikidata,
                geonames_id=geonames_id(column(raw, f"geonames_{side}")),
                # A file of unknown making: its coordinates decide nothing between namesakes.
                trusted_geocode=False,
            )
            setattr(row, f"place_{side}", with_level(place, name))
        row.kind = choice_value(PartnershipKind, column(raw, "kind"), "kind") or (
            PartnershipKind.SISTER_CITY
        )
        row.status = choice_value(PartnershipStatus, column(raw, "status"), "status")
        row.established = partial_date(column(raw, "established"))
        row.ended = partial_date(column(raw, "ended"))
        if row.ended:
            if row.status and row.status != PartnershipStatus.ENDED:
                raise RowRejected(f"an end date with the status {row.status}", column(raw, "ended"))
            row.status = PartnershipStatus.ENDED
        if row.established and row.ended and row.ended[0] < row.established[0]:
            raise RowRejected("the end is before the start", column(raw, "ended"))
        # What the row states, in words, from its own columns.
        sides = [
            f"{column(raw, f'city_{side}')}, {column(raw, f'country_{side}')}"
            for side in ("a", "b")
        ]
        stated = [
            f"{field} {column(raw, field)}" for field in ("kind", "status") if column(raw, field)
        ]
        if column(raw, "established"):
            stated.append(f"since {column(raw, 'established')}")
        if column(raw, "ended"):
            stated.append(f"ended {column(raw, 'ended')}")
        row.excerpt_en = " – ".join(sides) + (f": {', '.join(stated)}" if stated else "")
        return row

    return read


def mapped_profile(
    mapping: dict[str, str], source_title: str, publisher: str = "", url: str = ""
) -> Profile:
    """A profile for a file with neither known layout: ``mapping`` says which column holds
    what (:data:`MAPPABLE`); the source it cites is named by the user."""
    unknown = sorted(set(mapping) - set(MAPPABLE))
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(unknown)} (known: {', '.join(MAPPABLE)})")
    missing = [field for field in REQUIRED if field not in mapping]
    if missing:
        raise ValueError(f"map these fields to columns too: {', '.join(missing)}")
    if not source_title.strip():
        raise ValueError("name the source of the file: every imported record cites it")
    return Profile(
        "mapped", mapped_reader(mapping), source_title.strip(), publisher, "", url, dict(mapping)
    )


# -- Matching cities --------------------------------------------------------------------------


@dataclass
class KnownCity:
    pk: int
    name: str
    country: str
    latitude: float | None
    longitude: float | None
    population: int
    slug: str = ""
    level: str = MUNICIPALITY
    parent: int | None = None


# Cells of a tenth of a degree (11 km of latitude): a search within a few kilometres looks at
# the nine cells around the point instead of every city of the country.
CELL = 10


def cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude * CELL), math.floor(longitude * CELL)


class CityIndex:
    """Every known city by country and normalised name (its names in every script included),
    by Wikidata and GeoNames id, and by position, loaded once; cities created during the
    import join it (under a provisional negative key until they are written)."""

    def __init__(self) -> None:
        self.cities: dict[int, KnownCity] = {}
        self.by_name: dict[tuple[str, str], set[int]] = defaultdict(set)
        self.by_wikidata: dict[str, int] = {}
        self.by_geonames: dict[int, int] = {}
        self.by_country: dict[str, list[int]] = defaultdict(list)
        self.by_cell: dict[tuple[str, int, int], list[int]] = defaultdict(list)
        self.has_wikidata: set[int] = set()
        self.slugs: set[str] = set()
        # Districts and regions, by (country, level, parent or 0, search key): found by
        # name only as what they are, never taken for a town of that name (nor the reverse).
        self.by_level: dict[tuple[str, str, int, str], int] = {}
        rows = City.objects.values_list(
            "pk",
            "name",
            "country",
            "latitude",
            "longitude",
            "population",
            "wikidata_id",
            "search_key",
            "geonames_id",
            "slug",
            "level",
            "parent_id",
        )
        for (
            pk,
            name,
            country,
            lat,
            lon,
            population,
            wikidata_id,
            key,
            geonames,
            slug,
            level,
            parent,
        ) in rows.iterator(chunk_size=5000):
            self.add(
                pk,
                name,
                str(country),
                lat,
                lon,
                population or 0,
                wikidata_id,
                key,
                slug,
                level,
                parent,
            )
            if geonames is not None:
                self.by_geonames[geonames] = pk
        for city_id, key in CityName.objects.values_list("city_id", "search_key").iterator(
            chunk_size=20000
        ):
            city = self.cities.get(city_id)
            if city is not None and key and city.level == MUNICIPALITY:
                self.by_name[(city.country, key)].add(city_id)
        # A place's second Wikidata item finds it as its first does (Amsterdam Q9899).
        for wikidata_id, city_id in OtherWikidataId.objects.values_list("wikidata_id", "city_id"):
            self.by_wikidata[wikidata_id] = city_id

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
        slug: str,
        level: str = MUNICIPALITY,
        parent: int | None = None,
    ) -> None:
        city = KnownCity(
            pk,
            name,
            country,
            float(latitude) if latitude is not None else None,
            float(longitude) if longitude is not None else None,
            population,
            slug,
            level,
            parent,
        )
        self.cities[pk] = city
        self.slugs.add(slug)
        if level != MUNICIPALITY:
            self.by_level[(country, level, parent or 0, key)] = pk
        else:
            self.by_name[(country, key)].add(pk)
            self.by_country[country].append(pk)
            if city.latitude is not None and city.longitude is not None:
                self.by_cell[(country, *cell(city.latitude, city.longitude))].append(pk)
        if wikidata_id:
            self.by_wikidata[wikidata_id] = pk
            self.has_wikidata.add(pk)

    def remove(self, pk: int) -> None:
        city = self.cities.pop(pk)
        self.slugs.discard(city.slug)
        if city.level != MUNICIPALITY:
            for key, found in list(self.by_level.items()):
                if found == pk:
                    del self.by_level[key]
            return
        self.by_country[city.country].remove(pk)
        if city.latitude is not None and city.longitude is not None:
            self.by_cell[(city.country, *cell(city.latitude, city.longitude))].remove(pk)

    def near(self, country: str, point: tuple[float, float], km: float) -> list[tuple[float, int]]:
        if km <= 10:  # the nine cells around the point hold everything this close
            row, column = cell(*point)
            pks: Iterable[int] = [
                pk
                for dr in (-1, 0, 1)
                for dc in (-1, 0, 1)
                for pk in self.by_cell.get((country, row + dr, column + dc), [])
            ]
        else:
            pks = self.by_country.get(country, [])
        found = []
        for pk in pks:
            city = self.cities[pk]
            if city.latitude is not None and city.longitude is not None:
                gap = distance_km(point, (city.latitude, city.longitude))
                if gap <= km:
                    found.append((gap, pk))
        return sorted(found)

    def any_within(self, country: str, point: tuple[float, float], km: float) -> bool:
        for pk in self.by_country.get(country, []):
            city = self.cities[pk]
            located = city.latitude is not None and city.longitude is not None
            if located and distance_km(point, (city.latitude, city.longitude)) <= km:  # type: ignore[arg-type]
                return True
        return False


@dataclass
class Match:
    city: int
    how: str  # "id", "geonames", "name", "proximity" or "created"
    notes: list[str] = field(default_factory=list)


class Matcher:
    """Matches a file's places to cities, in memory: what it creates or changes is written
    by ``Writer`` once every row has been read."""

    def __init__(self, index: CityIndex, report: ImportReport) -> None:
        self.index = index
        self.report = report
        self.new_cities: dict[int, City] = {}  # provisional key -> unsaved city
        self.new_names: list[tuple[int, str]] = []  # (city key, name) for CityName rows
        self.wikidata_ids: dict[int, str] = {}  # known city -> its Wikidata id, to record
        self.parents: dict[int, int] = {}  # new district's key -> its city's key
        self.other_ids: dict[str, int] = {}  # a second Wikidata item of a city -> the city
        self.next_key = -1
        # What curators decided for places of the unmatched queue: (country, level, parent,
        # key) -> the city it is, or None when rejected (``agreements.unmatched``).
        from .unmatched import decisions

        self.decided: dict[tuple[str, str, str, str], int | None] = decisions()
        # What this row added: undone when the row is rejected.
        self.journal: list[tuple[str, Any]] = []

    def commit(self) -> None:
        self.report.cities_created += sum(1 for kind, _ in self.journal if kind == "city")
        self.journal = []

    def undo(self) -> None:
        for kind, entry in reversed(self.journal):
            if kind == "city":
                pk, keys, geonames_id, names_before = entry
                self.index.remove(pk)
                for key in keys:
                    self.index.by_name[key].discard(pk)
                if geonames_id is not None:
                    self.index.by_geonames.pop(geonames_id, None)
                del self.new_cities[pk]
                self.parents.pop(pk, None)
                del self.new_names[names_before:]
            elif kind == "other":
                self.index.by_wikidata.pop(entry, None)
                self.other_ids.pop(entry, None)
            elif kind == "wikidata":
                wikidata_id, pk = entry
                self.index.by_wikidata.pop(wikidata_id, None)
                self.index.has_wikidata.discard(pk)
                self.wikidata_ids.pop(pk, None)
        self.journal = []

    def match_both(self, a: Place | None, b: Place | None) -> tuple[Match | None, Match | None]:
        """Both sides of a row; a side that matches nothing with confidence is None and its
        place is in ``unmatched`` (the other side is still matched, or rejected)."""
        self.unmatched: list[Place] = []
        matches: list[Match | None] = []
        for place in (a, b):
            try:
                matches.append(self.match(place))  # type: ignore[arg-type]
            except Unmatched as waiting:
                self.unmatched.append(waiting.place)
                matches.append(None)
        return matches[0], matches[1]

    def match(self, place: Place) -> Match:
        if place.wikidata_id and place.wikidata_id in self.index.by_wikidata:
            return Match(self.index.by_wikidata[place.wikidata_id], "id")
        if place.level != MUNICIPALITY:
            return self.match_level(place)
        if place.geonames_id is not None and place.geonames_id in self.index.by_geonames:
            chosen = self.index.by_geonames[place.geonames_id]
            self.record_wikidata(chosen, place)
            return Match(chosen, "geonames")
        if not place.country:
            raise RowRejected("no country for a side: cannot match or create it", place.label)
        decided = self.curator_decision(place)
        if decided is not None:
            return decided
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
            chosen_by_name = self.choose(candidates, place, point, notes)
            if chosen_by_name is None:
                break  # namesakes only, far from the file's geocode: a town of its own
            self.record_wikidata(chosen_by_name, place)
            return Match(chosen_by_name, "name", notes)
        if point is not None:
            for gap, pk in self.index.near(place.country, point, SAME_PLACE_KM):
                if same_place_names(self.index.cities[pk].name, place.names):
                    notes.append(
                        f"{place.label} taken as {self.index.cities[pk].name}, {gap:.1f} km"
                    )
                    return Match(pk, "proximity", notes)
        if not self.confident(place, point):
            raise Unmatched(place)
        return self.create(place, point, notes)

    def confident(self, place: Place, point: tuple[float, float] | None) -> bool:
        """Whether a place that matches no known city may be created from the file alone:
        when an identifier vouches for it (a Wikidata item, a GeoNames id), or the file's own
        geocode is trusted (the German side, geocoded from its postcode) and lies among the
        cities of its country. A name with an untrusted geocode (a German list's partner, a
        mapped file's town) waits for a curator instead: "Brivela Gaillarde" is no city."""
        if place.wikidata_id or place.geonames_id is not None or place.vouched:
            return True
        return place.trusted_geocode and point is not None and self.plausible(place.country, point)

    def curator_decision(self, place: Place) -> Match | None:
        """The city a curator matched this place to in the unmatched queue (remembered for
        every later import), or the rejection of the place."""
        if not self.decided:
            return None
        key = (place.country, place.level, place.parent, search_key(place.written or place.label))
        if key not in self.decided:
            return None
        city = self.decided[key]
        if city is None:
            raise RowRejected("a curator rejected the place", place.label)
        if city not in self.index.cities:
            return None
        return Match(city, "curator")

    def match_level(self, place: Place) -> Match:
        """A district or region: the one already known under its name (and, for a district,
        its city), else a new place of its own; never a town of the same name, never folded
        into its city. A district whose city is unknown is kept without one, and noted."""
        if not place.country:
            raise RowRejected("no country for a side: cannot match or create it", place.label)
        decided = self.curator_decision(place)
        if decided is not None:
            return decided
        notes: list[str] = []
        parent = self.known_city(place.parent, place.country) if place.parent else None
        if place.parent and parent is None:
            notes.append(f"{place.written}: its city {place.parent} is not known")
        key = (place.country, place.level, parent or 0, search_key(place.names[0]))
        found = self.index.by_level.get(key)
        if found is not None:
            self.record_wikidata(found, place)
            return Match(found, "name", notes)
        point = (
            (place.latitude, place.longitude)
            if place.latitude is not None and place.longitude is not None
            else None
        )
        # A district of a known city is named by its city ("Istanbul (Bezirk Kadıköy)"):
        # confident enough. One of a city nothing knows, from an untrusted geocode, waits.
        if parent is None and not self.confident(place, point):
            raise Unmatched(place)
        return self.create(place, point, notes, parent)

    def known_city(self, name: str, country: str) -> int | None:
        """The municipality ``name`` stands for in ``country`` (the most populous namesake):
        the city of a district. Only a known one: a city is not created from a district's
        name alone."""
        candidates = self.index.by_name.get((country, search_key(name)), set())
        if not candidates:
            return None
        return max(candidates, key=lambda pk: (self.index.cities[pk].population, -pk))

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
            ((distance_km(point, (c.latitude, c.longitude)), c) for c in located),  # type: ignore[arg-type]
            key=lambda pair: (pair[0], pair[1].pk),
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
        wikidata_id = place.wikidata_id
        if not wikidata_id or wikidata_id in self.index.by_wikidata:
            return
        if pk in self.index.has_wikidata:
            # The city has another id already. Two items for one place (Amsterdam Q727 and
            # Q9899, "Gmina Strzelin" and Strzelin, both with the same GeoNames place) when the
            # item's name is the city's: recorded as its other id. A differently named item
            # (Vienna's district Wieden, matched to Vienna by an alternate name) is not.
            city = self.index.cities[pk]
            if any(same_name(city.name, name) for name in place.names):
                self.index.by_wikidata[wikidata_id] = pk
                self.other_ids[wikidata_id] = pk
                self.journal.append(("other", wikidata_id))
            return
        self.index.by_wikidata[wikidata_id] = pk
        self.index.has_wikidata.add(pk)
        if pk in self.new_cities:
            self.new_cities[pk].wikidata_id = wikidata_id
        else:
            self.wikidata_ids[pk] = wikidata_id
        self.journal.append(("wikidata", (wikidata_id, pk)))

    def create(
        self,
        place: Place,
        point: tuple[float, float] | None,
        notes: list[str],
        parent: int | None = None,
    ) -> Match:
        if not place.names:
            raise RowRejected(f"{place.label} is unknown and the file gives no name for it")
        name = place.names[1] if len(place.names) > 1 and "(" in place.names[0] else place.names[0]
        if place.level != MUNICIPALITY and not place.trusted_geocode:
            point = None  # a partner's geocode, by name: for a district, its city's centre
        if point is not None and not self.plausible(place.country, point):
            notes.append(
                f"coordinates of {name} lie far from any city of {place.country}: left empty"
            )
            point = None
        pk, self.next_key = self.next_key, self.next_key - 1
        # A district's slug names its city too: "berlin-mitte", not "mitte".
        within = self.index.cities[parent].name if parent is not None else ""
        city = City(
            name=name[:200],
            slug=self.free_slug(f"{within} {name}".strip(), place.country),
            country=place.country,
            level=place.level,
            latitude=Decimal(f"{point[0]:.5f}") if point else None,
            longitude=Decimal(f"{point[1]:.5f}") if point else None,
            wikidata_id=place.wikidata_id or None,
            geonames_id=place.geonames_id,
        )
        city.refresh_search_key()
        self.new_cities[pk] = city
        if parent is not None:
            self.parents[pk] = parent
        names_before = len(self.new_names)
        # The name as the file writes it, brackets and all, is kept as another name; what is
        # inside brackets may be an exonym or a region ("Brixlegg (Tirol)"), so it is not.
        written = place.written or place.names[0]
        if written != city.name:
            self.new_names.append((pk, written[:200]))
        self.index.add(
            pk,
            city.name,
            place.country,
            city.latitude,
            city.longitude,
            0,
            city.wikidata_id,
            city.search_key,
            city.slug,
            place.level,
            parent,
        )
        if place.geonames_id is not None:
            self.index.by_geonames[place.geonames_id] = pk
        keys: set[tuple[str, str]] = set()
        if place.level == MUNICIPALITY:
            keys = {(place.country, city.search_key), (place.country, search_key(place.names[0]))}
        for key in keys:
            self.index.by_name[key].add(pk)
        self.journal.append(("city", (pk, keys, place.geonames_id, names_before)))
        if city.wikidata_id:
            self.journal.append(("wikidata", (city.wikidata_id, pk)))
        return Match(pk, "created", notes)

    def plausible(self, country: str, point: tuple[float, float]) -> bool:
        """A geocode is plausible when a known city of that country lies within 500 km
        (Pinsk placed in Austria is not)."""
        if not self.index.by_country.get(country):
            return True
        return self.index.any_within(country, point, 500.0)

    def free_slug(self, name: str, country: str) -> str:
        base = slugify(name)[:180] or "city"
        taken = self.index.slugs
        for candidate in (base, f"{base}-{country.lower()}"):
            if candidate not in taken:
                return candidate
        n = 2
        while f"{base}-{country.lower()}-{n}" in taken:
            n += 1
        return f"{base}-{country.lower()}-{n}"


_MUNICIPALITY_WORDS = re.compile(r"^(?:gmina|municipality of|gemeinde)\s+|\s+municipality$")


def same_name(known: str, name: str) -> bool:
    """Whether ``name`` is the name ``known``, as a town's or its municipality's ("Gmina
    Strzelin" is Strzelin's)."""
    key = _MUNICIPALITY_WORDS.sub("", search_key(name))
    return bool(key) and key == search_key(known)


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
    profile_name: str | Profile,
    file_name: str,
    dry_run: bool = False,
    publish: bool = False,
) -> ImportReport:
    """Import a CSV file's partnerships in one transaction; see the module's description.
    ``profile_name`` names one of :data:`PROFILES`, or is a profile (:func:`mapped_profile`)."""
    profile = profile_name if isinstance(profile_name, Profile) else PROFILES[profile_name]
    report = ImportReport(profile.name, Path(file_name).name, dry_run)
    try:
        with transaction.atomic(), indexes_deferred(), bulk_write():
            touched = run(text, profile, report, publish)
            Partnership.objects.filter(pk__in=touched).refresh_facets()
            if dry_run:
                raise DryRunRollback
    except DryRunRollback:
        pass
    else:  # fresh statistics, or the planner joins the new rows in nested loops
        analyze(Partnership, PartnershipFacet, City, CityName, Citation)
    return report


def file_digest(text: str) -> str:
    """The checksum a source's note records for the file it was imported from."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def import_note(file_name: str, text: str, profile: Profile) -> str:
    return f"Imported from {file_name} (SHA-256 {file_digest(text)}…) with profile {profile.name}."


def run(text: str, profile: Profile, report: ImportReport, publish: bool) -> set[int]:
    source, created = Source.objects.get_or_create(
        title=profile.source_title,
        publisher=profile.publisher,
        defaults={
            "language": profile.language,
            "url": profile.url,
            "accessed": timezone.localdate(),
            "note": import_note(report.file_name, text, profile),
        },
    )
    if not created and file_digest(text) not in source.note:
        source.note = f"{source.note}\n{import_note(report.file_name, text, profile)}".strip()
        source.save(update_fields=["note", "updated_at"])
    return run_rows(read_rows(text), profile, source, report, publish)


def run_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    profile: Profile,
    source: Source,
    report: ImportReport,
    publish: bool,
) -> set[int]:
    """Import ``rows`` (line number, raw row) citing ``source``: a file's rows, or the rows of
    the unmatched queue once their places are matched (``agreements.unmatched``)."""
    from .unmatched import Queue

    index = CityIndex()
    matcher = Matcher(index, report)
    writer = Writer(index, matcher, source, report.file_name, publish)
    queue = Queue(source, profile, report, publish)
    for number_, raw in rows:
        outcome = Outcome(number_, "rejected")
        report.outcomes.append(outcome)
        try:
            row = profile.reader(raw, number_)
            first, second = matcher.match_both(row.place_a, row.place_b)
            if first is None or second is None:
                matcher.undo()
                outcome.result = "waiting"
                outcome.reason = WAITING
                outcome.notes = [place.written or place.label for place in matcher.unmatched]
                queue.wait(number_, raw, matcher.unmatched)
                continue
            outcome.city_a, outcome.city_a_match = index.cities[first.city].name, first.how
            outcome.city_b, outcome.city_b_match = index.cities[second.city].name, second.how
            outcome.notes = first.notes + second.notes
            if first.city == second.city:
                raise RowRejected("both sides are the same city")
            partnership, created = save_partnership(writer, row, first.city, second.city)
            writer.cite(partnership, row)
        except RowRejected as rejection:
            matcher.undo()
            outcome.reason = str(rejection)
            if rejection.detail:
                outcome.notes.append(rejection.detail)
            continue
        matcher.commit()
        outcome.result = "imported" if created else "merged"
        writer.outcomes.append((outcome, partnership))
    touched = writer.write()
    queue.write()
    return touched


# The fields of a stored partnership that a row's claims may fill when they are empty
# (``Writer.fill``), and what is read of every stored partnership to decide it.
FILLED = [f"{name}{part}" for name in DATE_FIELDS for part in ("", "_precision", "_as_written")] + [
    "status"
]
READ = ["kind", "status", "established", "established_precision", "ended", "ended_precision"]


class Writer:
    """What the rows add, kept until every row is read and then written in bulk: cities,
    their other names, Wikidata ids of known cities, partnerships, citations and the claims of
    each cited row (``agreements.claims``), and the empty fields of stored partnerships that a
    row states."""

    def __init__(
        self, index: CityIndex, matcher: Matcher, source: Source, file_name: str, publish: bool
    ) -> None:
        self.index = index
        self.matcher = matcher
        self.source = source
        self.file_name = file_name
        self.state = PublicationState.PUBLISHED if publish else PublicationState.DRAFT
        self.content_type = partnership_content_type()
        # (lower key, higher key) -> the pair's partnerships, stored or new (see pair_of).
        self.pairs: dict[tuple[int, int], list[Partnership]] = defaultdict(list)
        stored = Partnership.objects.only("pk", "slug", "city_a_id", "city_b_id", *READ)
        for partnership in stored.order_by("pk").iterator(chunk_size=5000):
            self.pairs[(partnership.city_a_id, partnership.city_b_id)].append(partnership)
        self.slugs = set(Partnership.objects.values_list("slug", flat=True))
        self.new_partnerships: list[Partnership] = []
        # A row's text -> its stored citation (None: cited by this import).
        self.cited: dict[tuple[int, str, str], int | None] = {
            (object_id, excerpt, excerpt_en): pk
            for pk, object_id, excerpt, excerpt_en in Citation.objects.filter(
                source=source, content_type_id=self.content_type
            ).values_list("pk", "object_id", "excerpt", "excerpt_en")
        }
        self.new_citations: list[tuple[Partnership, Row, list[Claim]]] = []
        # The claims of stored citations (none twice), those to add to them, and the kinds this
        # source gives each partnership (by ``key``).
        claims = Claim.objects.filter(source=source)
        self.claimed = set(claims.values_list("citation_id", "field"))
        self.claims_of_stored_citations: list[Claim] = []
        self.kinds: dict[int, set[str]] = defaultdict(set)
        for partnership_id, kind in claims.filter(field=ClaimField.KIND).values_list(
            "partnership_id", "value"
        ):
            self.kinds[partnership_id].add(kind)
        self.filled: dict[
            int, Partnership
        ] = {}  # stored partnerships whose empty fields a row filled
        self.outcomes: list[tuple[Outcome, Partnership]] = []

    @staticmethod
    def key(partnership: Partnership) -> int:
        """A stored partnership by its key, a new one by its identity until it has a key."""
        return partnership.pk or -id(partnership)

    def pair_of(self, low: int, high: int, kind: str) -> Partnership | None:
        """The partnership a row of this pair joins: one partnership per pair of cities, the
        kind a claim like the year. The pair's partnership of the row's kind if there is one;
        otherwise the first to which the row's own source has given no other kind (a source
        that names two kinds for one pair describes two relationships: two partnerships)."""
        found = self.pairs.get((low, high), [])
        for partnership in found:
            if partnership.kind == kind:
                return partnership
        for partnership in found:
            if not self.kinds.get(self.key(partnership), set()) - {kind}:
                return partnership
        return None

    def stub(self, key: int) -> City:
        """The city under ``key``: the unsaved new one, or a stand-in for a stored one."""
        if key in self.matcher.new_cities:
            return self.matcher.new_cities[key]
        known = self.index.cities[key]
        return City(pk=key, name=known.name, slug=known.slug, country=known.country)

    def cite(self, partnership: Partnership, row: Row) -> None:
        """The file is the source of what it brought; a row is cited once, however often run,
        with its claims (what it states of the year, end, kind and status)."""
        key = (self.key(partnership), row.excerpt, row.excerpt_en)
        claims = stated_claims(row.kind, row.status, row.established, row.ended)
        if key not in self.cited:
            self.cited[key] = None
            self.new_citations.append((partnership, row, claims))
        elif (citation := self.cited[key]) is not None:  # cited before claims were kept
            claims = [claim for claim in claims if (citation, claim.field) not in self.claimed]
            for claim in claims:
                claim.citation_id, claim.partnership_id = citation, partnership.pk
                claim.source = self.source
                self.claimed.add((citation, claim.field))
            self.claims_of_stored_citations += claims
        else:
            return  # the same row twice in this file
        for claim in claims:
            if claim.field == ClaimField.KIND:
                self.kinds[self.key(partnership)].add(claim.value)
            self.fill(partnership, claim)

    def fill(self, partnership: Partnership, claim: Claim) -> None:
        """An empty field takes the first value a source states; a stated one stays (the
        preferred value until a curator prefers another claim), the claim kept beside it."""
        if record_value(partnership, claim.field) is not None:
            return
        take(partnership, claim)
        ended, established = partnership.ended, partnership.established
        if ended is not None and established is not None and ended < established:
            setattr(partnership, claim.field, None)  # would end before it began: left empty
            setattr(partnership, f"{claim.field}_precision", "")
            setattr(partnership, f"{claim.field}_as_written", "")
            return
        if partnership.pk is not None:
            self.filled[partnership.pk] = partnership

    def write_filled(self, reason: str, now: datetime.datetime) -> None:
        """The stored partnerships whose empty fields rows filled, each with a history step."""
        if not self.filled:
            return
        records = Partnership.objects.in_bulk(list(self.filled))
        for pk, record in records.items():
            for name in FILLED:
                setattr(record, name, getattr(self.filled[pk], name))
            record.updated_at = now
        bulk_update_with_history(
            list(records.values()),
            Partnership,
            [*FILLED, "updated_at"],
            batch_size=500,
            default_change_reason=reason,
        )

    def write(self) -> set[int]:
        reason = f"import of {self.file_name}"
        cities = list(self.matcher.new_cities.values())
        for key, parent in self.matcher.parents.items():
            if parent > 0:  # a stored city; one created by this import is known only below
                self.matcher.new_cities[key].parent_id = parent
        bulk_create_with_history(cities, City, batch_size=BATCH, default_change_reason=reason)
        real = {key: city.pk for key, city in self.matcher.new_cities.items()}
        districts = [
            City(pk=real[key], parent_id=real[parent])
            for key, parent in self.matcher.parents.items()
            if parent < 0
        ]
        City.objects.bulk_update(districts, ["parent"], batch_size=500)
        CityName.objects.bulk_create(
            [
                CityName(city_id=real[key], name=name, language="", search_key=search_key(name))
                for key, name in self.matcher.new_names
            ],
            batch_size=BATCH,
        )
        known = [City(pk=pk, wikidata_id=qid) for pk, qid in self.matcher.wikidata_ids.items()]
        City.objects.bulk_update(known, ["wikidata_id"], batch_size=500)
        OtherWikidataId.objects.bulk_create(
            [
                OtherWikidataId(city_id=real.get(key, key), wikidata_id=qid)
                for qid, key in self.matcher.other_ids.items()
            ],
            batch_size=BATCH,
        )
        now = timezone.now()
        for partnership in self.new_partnerships:
            partnership.city_a_id = partnership.city_a.pk
            partnership.city_b_id = partnership.city_b.pk
            partnership.put_pair_in_order()
            partnership.normalise_partial_dates()
            if partnership.is_published:
                partnership.published_at = now
        bulk_create_with_history(
            self.new_partnerships, Partnership, batch_size=BATCH, default_change_reason=reason
        )
        citations = [
            Citation(
                source=self.source,
                content_type_id=self.content_type,
                object_id=partnership.pk,
                excerpt=row.excerpt,
                excerpt_en=row.excerpt_en,
                locator=f"{self.file_name}, row {row.number}"[-100:],
            )
            for partnership, row, _claims in self.new_citations
        ]
        citations = bulk_create_with_history(
            citations, Citation, batch_size=BATCH, default_change_reason=reason
        )
        claims = self.claims_of_stored_citations
        for citation, (partnership, _row, stated) in zip(
            citations, self.new_citations, strict=True
        ):
            for claim in stated:
                claim.citation_id, claim.partnership_id = citation.pk, partnership.pk
                claim.source = self.source
                claims.append(claim)
        Claim.objects.bulk_create(claims, batch_size=BATCH)
        self.write_filled(reason, now)
        for outcome, partnership in self.outcomes:
            outcome.partnership = partnership.slug
        return {partnership.pk for _, partnership in self.outcomes}


def save_partnership(
    writer: Writer, row: Row, city_a: int, city_b: int
) -> tuple[Partnership, bool]:
    """The partnership of the row's two cities: the one recorded (``Writer.pair_of``), or a
    new one."""
    low, high = sorted([city_a, city_b])
    existing = writer.pair_of(low, high, row.kind)
    if existing is not None:
        return existing, False
    partnership = Partnership(
        city_a=writer.stub(low),
        city_b=writer.stub(high),
        kind=row.kind,
        status=row.status,
        publication_state=writer.state,
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
    base = partnership.make_slug()
    slug, n = base, 2
    while slug in writer.slugs:
        slug, n = f"{base}-{n}", n + 1
    partnership.slug = slug
    writer.slugs.add(slug)
    writer.pairs[(low, high)].append(partnership)
    writer.new_partnerships.append(partnership)
    return partnership, True


def partnership_content_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Partnership).pk
