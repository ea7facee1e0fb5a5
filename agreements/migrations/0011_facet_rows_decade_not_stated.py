"""A partnership whose sources state no year is counted under the decade "not stated"
(facet value ``not_stated``), as one whose sources state no status is under the status
"not stated": the decades of a listing then add up to its partnerships."""

from django.db import migrations

BATCH = 10_000


def add_rows(apps, schema_editor):
    partnership = apps.get_model("agreements", "Partnership")
    facet = apps.get_model("agreements", "PartnershipFacet")
    ids = partnership.objects.filter(established__isnull=True).order_by("pk")
    batch = []
    for pk in ids.values_list("pk", flat=True).iterator(chunk_size=BATCH):
        batch.append(facet(record_id=pk, facet="decade", value="not_stated"))
        if len(batch) >= BATCH:
            facet.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    facet.objects.bulk_create(batch, ignore_conflicts=True)


def remove_rows(apps, schema_editor):
    facet = apps.get_model("agreements", "PartnershipFacet")
    facet.objects.filter(facet="decade", value="not_stated").delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0010_trigram_indexes")]

    operations = [migrations.RunPython(add_rows, remove_rows)]
