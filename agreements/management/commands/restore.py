import tarfile
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from agreements.models import CulturalProject, Partnership, PartnershipFacet, ProjectFacet
from agreements.signals import facets_deferred
from directory.models import ContentVersion
from twinning.db import analyze

from .backup import DATA, MEDIA, document_names, document_storage


class Command(BaseCommand):
    help = (
        "Load a backup written by `backup` (records and documents) into a migrated database "
        "(empty, or holding the same records: rows are matched by their ids), in one "
        "transaction; then rebuild the facet indexes once and move the content version once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path | str, **options: Any) -> None:
        path = Path(path)
        if not path.exists():
            raise CommandError(f"No backup at {path}")
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
            # A bare fixture (.json, .json.gz) is an older backup: records, no documents.
            archive = (
                stack.enter_context(tarfile.open(path, "r:gz"))
                if tarfile.is_tarfile(path)
                else None
            )
            fixture = unpack_data(archive, Path(scratch)) if archive else path
            # Per-row signal work would refresh the facet index for every city and bump the
            # content version for every row: O(n²) in one transaction. Deferred, it is done
            # once, for everything, below.
            with facets_deferred(), transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
                documents = restore_documents(archive) if archive else 0
                Partnership.objects.all().refresh_facets()
                CulturalProject.objects.all().refresh_facets()
                transaction.on_commit(ContentVersion.bump)
        analyze(PartnershipFacet, ProjectFacet)
        seconds = time.monotonic() - started
        self.stdout.write(f"Restored {path} ({documents} documents) in {seconds:.0f} s.")


def unpack_data(archive: tarfile.TarFile, scratch: Path) -> Path:
    member = archive.getmember(DATA)
    source = archive.extractfile(member)
    if source is None:
        raise CommandError(f"{DATA} in the archive is not a file")
    fixture = scratch / DATA
    with source, fixture.open("wb") as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
    return fixture


def restore_documents(archive: tarfile.TarFile) -> int:
    """Put back every document of the archive that a restored record refers to, under the
    name the record holds; nothing else in the archive is written anywhere."""
    storage = document_storage()
    wanted = document_names()
    count = 0
    for member in archive:
        name = member.name.removeprefix(MEDIA)
        if not member.isfile() or not member.name.startswith(MEDIA) or name not in wanted:
            continue
        source = archive.extractfile(member)
        if source is None:
            continue
        if storage.exists(name):
            storage.delete(name)
        with source:
            saved = storage.save(name, File(source, name=name))
        if saved != name:
            raise CommandError(f"The document {name} was stored as {saved}")
        count += 1
    return count
