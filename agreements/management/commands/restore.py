import gzip
import json
import tarfile
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.core.serializers.base import DeserializedObject
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from agreements.models import CulturalProject, Partnership, PartnershipFacet, ProjectFacet
from common.db import analyze
from publishing.facets import indexes_deferred

from .backup import DATA, MEDIA, document_names, document_storage

BATCH = 1000


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
            with indexes_deferred(), transaction.atomic():
                records, tables = load(fixture)
                documents = restore_documents(archive) if archive else 0
                Partnership.objects.all().refresh_facets()
                CulturalProject.objects.all().refresh_facets()
            # indexes_deferred() announced one public change, sent on commit.
        # The planner's statistics for every table filled (common/db.py says why).
        analyze(*tables, PartnershipFacet, ProjectFacet)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Restored {path} ({records} records, {documents} documents) in {seconds:.0f} s."
        )


def load(fixture: Path) -> tuple[int, set[type[models.Model]]]:
    """Load a fixture as ``loaddata`` would, in a fraction of the time: new rows go in by the
    thousand (raw inserts, as loaddata's raw saves: no signals, timestamps as stored), and
    only rows whose id is already there are saved one by one, over the stored row. loaddata
    spends two queries on every row, which for the gazetteer's 280,000 names is most of an
    hour on PostgreSQL. Returns how many records, and the models whose tables were written."""
    opener: Any = gzip.open if fixture.suffix == ".gz" else open
    loaded: set[type[models.Model]] = set()
    count = 0
    connection = connections[DEFAULT_DB_ALIAS]
    with opener(fixture, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    with connection.constraint_checks_disabled():
        # One model's rows at a time, deserialized only when the rows they refer to by
        # natural key (themes, users) are in.
        for _, group in groupby(data, key=itemgetter("model")):
            rows = list(group)
            for start in range(0, len(rows), BATCH):
                batch = list(PythonDeserializer(rows[start : start + BATCH]))
                loaded |= save_batch(batch)
                count += len(batch)
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
            cursor.execute(statement)
    return count, loaded


def save_batch(batch: list[DeserializedObject]) -> set[type[models.Model]]:
    """Insert the records of one model that are new, save those that are not; returns the
    models whose tables were written."""
    if not batch:
        return set()
    model = type(batch[0].object)
    rows = model._base_manager.all()
    existing = set(rows.filter(pk__in=[r.object.pk for r in batch]).values_list("pk", flat=True))
    new = [r for r in batch if r.object.pk not in existing]
    for record in batch:
        if record.object.pk in existing or model._meta.parents:
            record.save()
    new = [r for r in new if not model._meta.parents]
    fields = list(model._meta.local_concrete_fields)
    size = max(connections[DEFAULT_DB_ALIAS].ops.bulk_batch_size(fields, new) or 1, 1)
    for start in range(0, len(new), size):
        # What a raw save does (Model._do_insert), for a batch: bulk_create would stamp
        # auto_now fields with the time of the restore.
        rows._insert(  # type: ignore[attr-defined]
            [r.object for r in new[start : start + size]], fields=fields, raw=True
        )
    written = {model}
    links: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for record in new:
        for name, values in (record.m2m_data or {}).items():
            field = model._meta.get_field(name)
            through = field.remote_field.through  # type: ignore[union-attr]
            if not isinstance(field, models.ManyToManyField) or not through._meta.auto_created:
                getattr(record.object, name).set(values)
                continue
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            links[through] += [
                through(**{f"{source}_id": record.object.pk, f"{target}_id": value})
                for value in values
            ]
    for through, objects in links.items():
        through._base_manager.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
        written.add(through)
    return written


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
