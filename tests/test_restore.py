"""Backup and restore: every record and document back, one content version bump, no restart."""

import importlib
import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from agreements.models import Agreement, Partnership, PartnershipFacet

from .factories import AgreementFactory, PartnershipFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_brings_back_every_record_and_document_and_bumps_the_version_once(
    client: Any, settings: Any, tmp_path: Path, bumps: list[int]
) -> None:
    # Committing test (flush needs it on PostgreSQL); the vocabulary may have been flushed
    # by an earlier one, and the seed refers to it.
    vocabulary = importlib.import_module("agreements.migrations.0003_theme_vocabulary")
    vocabulary.add_vocabulary(apps, None)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_PAGE_CACHE = True
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    partnership = PartnershipFactory(summary="Ünïcødé and اصفهان")
    agreement = AgreementFactory(partnership=partnership)
    agreement.document.save("pact.pdf", ContentFile(PDF))
    document = agreement.document.name
    models = [
        m for m in apps.get_models() if m._meta.app_label in {"cities", "agreements", "editors"}
    ]
    before = {m._meta.label: m._default_manager.count() for m in models}
    summaries = dict(Partnership.objects.values_list("slug", "summary"))
    backup = tmp_path / "twinning.tar.gz"
    call_command("backup", str(backup), stdout=io.StringIO())
    with tarfile.open(backup) as archive:
        assert set(archive.getnames()) == {"data.json", f"media/{document}"}

    call_command("flush", interactive=False, verbosity=0)
    agreement.document.storage.delete(document)
    browse = reverse("directory:partnership-list")
    assert partnership.slug not in client.get(browse).content.decode()  # cached, empty

    bumps.clear()  # count from here
    call_command("restore", str(backup), stdout=io.StringIO())
    assert len(bumps) == 1
    assert {m._meta.label: m._default_manager.count() for m in models} == before
    assert dict(Partnership.objects.values_list("slug", "summary")) == summaries
    assert PartnershipFacet.objects.filter(record=partnership.pk).exists()
    restored = Agreement.objects.get(pk=agreement.pk)
    with restored.document.open("rb") as stored:
        assert stored.read() == PDF
    assert partnership.slug in client.get(browse).content.decode()
    served = client.get(reverse("directory:agreement-document", args=[agreement.slug]))
    assert b"".join(served.streaming_content) == PDF

    # Over the same records, rows are matched by their ids.
    call_command("restore", str(backup), stdout=io.StringIO())
    assert {m._meta.label: m._default_manager.count() for m in models} == before
    assert len(bumps) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_restore_leaves_the_version_alone(tmp_path: Path, bumps: list[int]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[{"model": "agreements.partnership", "pk": 1, "fields": {}}]')
    bumps.clear()  # count from here
    with pytest.raises(Exception):  # noqa: B017 - whatever the database says
        call_command("restore", str(broken), stdout=io.StringIO())
    assert bumps == []


def test_a_backup_is_a_tar_gz_archive(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"\.tar\.gz"):
        call_command("backup", str(tmp_path / "twinning.json"), stdout=io.StringIO())
