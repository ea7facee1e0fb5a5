"""The open data shipped in ``data/``, loaded published: what ``make run`` serves."""

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.importing import (
    PROFILES,
    RowRejected,
    file_digest,
    import_partnerships,
    read_rows,
    read_twintowns_de,
)
from cities.gazetteer import Gazetteer, load_geonames
from cities.levels import MUNICIPALITY
from cities.models import City, CityName, Source
from cities.normalise import search_key
from publishing.events import bulk_write

# The Wikidata pairs first: their items come with ids (Wikidata, GeoNames) and trustworthy
# coordinates, so the German list, matched by name, meets the cities they established.
OPEN_DATA = [
    ("data/wikidata-p190/pairs.csv", "wikidata"),
    ("data/twintowns-de/TwinTowns_clean.csv", "twintowns-de"),
]


def already_loaded(profile_name: str, text: str) -> bool:
    """Whether this very file was imported: its checksum is in its source's note."""
    profile = PROFILES[profile_name]
    notes = Source.objects.filter(
        title=profile.source_title, publisher=profile.publisher
    ).values_list("note", flat=True)
    return any(f"SHA-256 {file_digest(text)}" in note for note in notes)


def geonames_ids(text: str) -> set[int]:
    """The GeoNames places a Wikidata pairs file names (``item_a_geonames_id``, …)."""
    ids = set()
    for _number, raw in read_rows(text):
        for side in ("a", "b"):
            value = raw.get(f"item_{side}_geonames_id", "")
            if value.isdigit():
                ids.add(int(value))
    return ids


@cache
def cities500() -> list[dict[str, Any]]:
    """GeoNames' cities500, read once for both files (it takes seconds)."""
    return load_geonames("cities500")


def named_places(text: str) -> set[int]:
    """The places of GeoNames' cities500 that the German list names (the most populous of a
    name in its country) and no known city is called: a partner found in the gazetteer is a
    real town, one matched by nothing waits in the unmatched queue instead of being created
    from the list's geocode (``Matcher.confident``)."""
    wanted: set[tuple[str, str]] = set()
    for number_, raw in read_rows(text):
        try:
            row = read_twintowns_de(raw, number_)
        except RowRejected:
            continue
        for place in (row.place_a, row.place_b):
            if place is not None and place.level == MUNICIPALITY:
                wanted.update((place.country, search_key(name)) for name in place.names[:2])
    known = set(City.objects.values_list("country", "search_key"))
    known |= set(CityName.objects.values_list("city__country", "search_key"))
    wanted -= {(str(country), key) for country, key in known}
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in cities500():
        key = (entry["countrycode"], search_key(entry["name"]))
        if key in wanted and entry["population"] >= best.get(key, {"population": -1})["population"]:
            best[key] = entry
    return {entry["geonameid"] for entry in best.values()}


def add_places(ids: set[int]) -> int:
    """The places of GeoNames' cities500 that the file names and the gazetteer lacks (most of
    its villages and towns are under the 15,000 people of the default gazetteer): loaded as
    gazetteer cities, names and all, so that the import matches them by id instead of creating
    them from a label. Returns how many were added."""
    missing = ids - set(
        City.objects.filter(geonames_id__in=ids).values_list("geonames_id", flat=True)
    )
    if not missing:
        return 0
    entries = [entry for entry in cities500() if entry["geonameid"] in missing]
    with bulk_write():
        return Gazetteer(entries).load().created


class Command(BaseCommand):
    help = (
        "Import the open data shipped in data/ (Wikidata P190 pairs, the German twin-town "
        "list), published. A file whose checksum is already recorded is skipped, so running "
        "it again changes nothing and takes a moment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--report-dir",
            type=Path,
            help="Write each file's per-row report (FILE.report.csv) into this directory.",
        )

    def handle(self, *args: Any, report_dir: Path | str | None = None, **options: Any) -> None:
        for relative, profile in OPEN_DATA:
            path = Path(settings.BASE_DIR) / relative
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {path}: {error}") from error
            if already_loaded(profile, text):
                self.stdout.write(f"{relative}: already loaded")
                continue
            if profile == "wikidata":
                added = add_places(geonames_ids(text))
                self.stdout.write(f"GeoNames places the file names, added from cities500: {added}")
            elif profile == "twintowns-de":
                added = add_places(named_places(text))
                self.stdout.write(f"GeoNames places the list names, added from cities500: {added}")
            report = import_partnerships(text, profile, path.name, publish=True)
            for line in report.summary():
                self.stdout.write(line)
            if report_dir:
                target = Path(report_dir) / f"{path.name}.report.csv"
                target.write_text(report.csv(), encoding="utf-8")
                self.stdout.write(f"Report: {target}")
