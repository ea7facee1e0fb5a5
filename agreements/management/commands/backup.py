import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files.storage import Storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from agreements.models import Agreement

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

# The archive's layout: the records, and each document under its storage name.
DATA = "data.json"
MEDIA = "media/"
SUFFIXES = (".tar.gz", ".tgz")


def document_storage() -> Storage:
    return Agreement._meta.get_field("document").storage


def document_names() -> set[str]:
    """Every stored document a record refers to, past versions (history) included."""
    names: set[str] = set()
    models_: tuple[type[models.Model], ...] = (Agreement, Agreement.history.model)
    for model in models_:
        rows: models.QuerySet[Any] = model._default_manager.all()
        names.update(
            rows.exclude(document="").order_by().values_list("document", flat=True).distinct()
        )
    return names


def documents(storage: Storage) -> Iterator[str]:
    for name in sorted(document_names()):
        if storage.exists(name):
            yield name


class Command(BaseCommand):
    help = (
        "Write every record (history, users and groups included) and every uploaded document "
        "to a .tar.gz archive, portable between SQLite and PostgreSQL. Restore with `restore`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path | str, **options: Any) -> None:
        path = Path(path)
        if not path.name.endswith(SUFFIXES):
            raise CommandError(f"A backup is a .tar.gz archive: {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        storage = document_storage()
        count = 0
        with tempfile.TemporaryDirectory() as scratch:
            data = Path(scratch) / DATA
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=False,
                exclude=EXCLUDED,
                output=str(data),
                verbosity=0,
            )
            with tarfile.open(path, "w:gz") as archive:
                archive.add(data, arcname=DATA)
                for name in documents(storage):
                    info = tarfile.TarInfo(MEDIA + name)
                    info.size = storage.size(name)
                    with storage.open(name, "rb") as document:
                        archive.addfile(info, document)
                    count += 1
        self.stdout.write(
            f"Backup written to {path} ({path.stat().st_size} bytes, {count} documents)."
        )
