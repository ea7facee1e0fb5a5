"""Each partnership's two cities in its facet index (facet "city"): a search by name then
unites the matching cities' partnerships from the bitmaps instead of asking the database
for the ids of every matching partnership (a one-letter search matched 100,000)."""

from django.db import migrations

BATCH = 10_000


def add_city_rows(apps, schema_editor):
    partnership = apps.get_model("agreements", "Partnership")
    facet = apps.get_model("agreements", "PartnershipFacet")
    rows = partnership.objects.order_by("pk").values_list("pk", "city_a_id", "city_b_id")
    batch = []
    for pk, city_a, city_b in rows.iterator(chunk_size=BATCH):
        batch.append(facet(record_id=pk, facet="city", value=str(city_a)))
        batch.append(facet(record_id=pk, facet="city", value=str(city_b)))
        if len(batch) >= BATCH:
            facet.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    facet.objects.bulk_create(batch, ignore_conflicts=True)


def remove_city_rows(apps, schema_editor):
    apps.get_model("agreements", "PartnershipFacet").objects.filter(facet="city").delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0008_facet_rows_end")]

    operations = [migrations.RunPython(add_city_rows, remove_city_rows)]
