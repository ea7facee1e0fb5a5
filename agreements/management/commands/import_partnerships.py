from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agreements.importing import PROFILES, import_partnerships


class Command(BaseCommand):
    help = (
        "Import partnerships from a CSV file in one transaction. Every row is reported as "
        "imported, merged with a partnership already recorded, or rejected with its reason; "
        "the report is also written as CSV. Running it twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--profile", required=True, choices=sorted(PROFILES))
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
        profile: str,
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
        result = import_partnerships(text, profile, str(file), dry_run=dry_run, publish=publish)
        target = Path(report) if report else Path(f"{file.name}.report.csv")
        target.write_text(result.csv(), encoding="utf-8")
        for line in result.summary():
            self.stdout.write(line)
        self.stdout.write(f"Report: {target}")
