import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.importing import MAPPABLE, PROFILES, import_partnerships, mapped_profile


class Command(BaseCommand):
    help = (
        "Import partnerships from a CSV file in one transaction. Every row is reported as "
        "imported, merged with a partnership already recorded, or rejected with its reason; "
        "the report is also written as CSV. Running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--profile", choices=sorted(PROFILES))
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="For a file with neither profile: which column holds what, e.g. "
            "--map city_a=Stadt --map country_a=Land --map city_b=Partner --map country_b=Staat. "
            f"Fields: {', '.join(MAPPABLE)}.",
        )
        parser.add_argument("--source-title", default="", help="With --map: the file's source.")
        parser.add_argument("--source-publisher", default="", help="With --map: its publisher.")
        parser.add_argument("--source-url", default="", help="With --map: where it was found.")
        parser.add_argument("--dry-run", action="store_true", help="Report, then roll back.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the imported partnerships (default: drafts for a curator to review).",
        )
        parser.add_argument(
            "--report",
            type=Path,
            help="Where to write the per-row report (default: FILE.report.csv beside the file, "
            "or in the current directory when that is not writable).",
        )

    def handle(
        self,
        *args: Any,
        file: Path | str,
        profile: str | None = None,
        map: list[str] | None = None,  # the option's name
        source_title: str = "",
        source_publisher: str = "",
        source_url: str = "",
        dry_run: bool = False,
        publish: bool = False,
        report: Path | str | None = None,
        **options: Any,
    ) -> None:
        file = Path(file)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        chosen: Any = profile
        if map:
            if profile:
                raise CommandError("Give either --profile or --map, not both.")
            chosen = self.mapped(map, text, source_title, source_publisher, source_url)
        elif not profile:
            raise CommandError(
                "Give --profile (wikidata, twintowns-de) or map the columns (--map)."
            )
        result = import_partnerships(text, chosen, str(file), dry_run=dry_run, publish=publish)
        target = Path(report) if report else Path(f"{file.name}.report.csv")
        target.write_text(result.csv(), encoding="utf-8")
        for line in result.summary():
            self.stdout.write(line)
        self.stdout.write(f"Report: {target}")

    def mapped(self, pairs: list[str], text: str, title: str, publisher: str, url: str) -> Any:
        mapping: dict[str, str] = {}
        for pair in pairs:
            field, equals, column = pair.partition("=")
            if not equals or not field.strip() or not column.strip():
                raise CommandError(f"--map {pair}: write it as FIELD=COLUMN (city_a=Stadt).")
            mapping[field.strip()] = column.strip()
        header = next(csv.reader(io.StringIO(text)), [])
        absent = [column for column in mapping.values() if column not in header]
        if absent:
            raise CommandError(
                f"The file has no column {', '.join(absent)}; its columns: {', '.join(header)}."
            )
        try:
            return mapped_profile(mapping, title, publisher, url)
        except ValueError as error:
            raise CommandError(str(error)) from error
