"""The content version belongs to the publishing layer now: its value moves there (so no
cache made before the move is taken for current), then the old table goes."""

from django.db import migrations


def copy_version(apps, schema_editor):
    old = apps.get_model("directory", "ContentVersion")
    new = apps.get_model("publishing", "ContentVersion")
    for row in old.objects.all():
        new.objects.update_or_create(pk=row.pk, defaults={"value": row.value})


def copy_back(apps, schema_editor):
    old = apps.get_model("directory", "ContentVersion")
    new = apps.get_model("publishing", "ContentVersion")
    for row in new.objects.all():
        old.objects.update_or_create(pk=row.pk, defaults={"value": row.value})


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_content_version"),
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_version, copy_back),
        migrations.DeleteModel(name="ContentVersion"),
    ]
