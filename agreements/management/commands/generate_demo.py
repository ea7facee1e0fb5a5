import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from agreements.demo import Generator
from publishing.events import bulk_write


class Command(BaseCommand):
    help = (
        "Generate N demonstration partnerships (with agreements, meetings and projects in "
        "proportion) on top of the gazetteer, deterministically for a seed. For load tests and "
        "benchmarks only: every record cites the source 'Generated demonstration data'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, partnerships: int, seed: int, **options: Any) -> None:
        started = time.monotonic()
        with bulk_write():  # one public change at the end, not one per generated row
            report = Generator(seed).run(partnerships)
        self.stdout.write(
            f"Generated {report.partnerships} partnerships, {report.agreements} agreements, "
            f"{report.meetings} meetings, {report.projects} projects"
            + (f", {report.cities_created} demo cities" if report.cities_created else "")
            + f" in {time.monotonic() - started:.0f} s."
        )
