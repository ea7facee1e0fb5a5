from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from agreements.models import CulturalProject, Partnership


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup` into a migrated database (empty, or holding the same "
        "records: rows are matched by their ids), in one transaction, then rebuild the facet "
        "indexes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path | str, **options: Any) -> None:
        path = Path(path)
        if not path.exists():
            raise CommandError(f"No backup at {path}")
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
            Partnership.objects.all().refresh_facets()
            CulturalProject.objects.all().refresh_facets()
        self.stdout.write(f"Restored {path}.")
