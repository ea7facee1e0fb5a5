from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

# What a backup leaves out: rebuilt on restore (facet indexes), recreated by migrations
# (content types, permissions) or not worth keeping (sessions, login attempts).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "agreements.partnershipfacet",
    "agreements.projectfacet",
]


class Command(BaseCommand):
    help = (
        "Write every record (history, users and groups included) to a JSON file, gzipped when "
        "it ends in .gz, portable between SQLite and PostgreSQL. Restore with `restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path | str, **options: Any) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=False,
            exclude=EXCLUDED,
            output=str(path),
            verbosity=0,
        )
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size} bytes).")
