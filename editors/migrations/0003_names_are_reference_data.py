"""City names are reference data that every page shows: city editors now only view them."""

from django.db import migrations

REMOVED = ("add_cityname", "change_cityname", "delete_cityname")


def narrow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="City editors").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="cities", codename__in=REMOVED)
        )


def widen(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="City editors").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="cities", codename__in=REMOVED)
        )


class Migration(migrations.Migration):
    dependencies = [("editors", "0002_roles")]

    operations = [migrations.RunPython(narrow, widen)]
