"""Calls for partners get an address of their own, ``/seeking-partners/<slug>/``: the
city's slug and the title, numbered when taken. The old addresses by number redirect."""

from django.db import migrations, models
from django.utils.text import slugify

HELP = "Its address: made from the city and the title when left empty."


def fill(apps, schema_editor):
    PartnerSearch = apps.get_model("seeking", "PartnerSearch")
    taken = set()
    for search in PartnerSearch.objects.select_related("city").order_by("pk"):
        base = slugify(f"{search.city.slug} {search.title}")[:190].strip("-") or "call"
        if base.isdigit():
            base = f"call-{base}"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        PartnerSearch.objects.filter(pk=search.pk).update(slug=slug)
    HistoricalPartnerSearch = apps.get_model("seeking", "HistoricalPartnerSearch")
    for search in PartnerSearch.objects.only("pk", "slug"):
        HistoricalPartnerSearch.objects.filter(id=search.pk).update(slug=search.slug)


class Migration(migrations.Migration):
    dependencies = [("seeking", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="partnersearch",
            name="slug",
            # No index yet: the unique one comes once every call has its slug (an index
            # first would make PostgreSQL's "_like" index twice).
            field=models.SlugField(
                blank=True,
                db_index=False,
                default="",
                help_text=HELP,
                max_length=200,
                verbose_name="slug",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalpartnersearch",
            name="slug",
            field=models.SlugField(
                blank=True, default="", help_text=HELP, max_length=200, verbose_name="slug"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partnersearch",
            name="slug",
            field=models.SlugField(
                blank=True, help_text=HELP, max_length=200, unique=True, verbose_name="slug"
            ),
        ),
    ]
