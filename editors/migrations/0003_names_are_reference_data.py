"""City names are reference data that every page shows: city editors now only view them."""

from django.db import migrations

REMOVED = ("add_cityname", "change_cityname", "delete_cityname")


def editors_name_permissions(apps):
    """The City editors group (None if absent) and the permissions this migration moves."""
    group = apps.get_model("auth", "Group").objects.filter(name="City editors").first()
    permissions = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="cities", codename__in=REMOVED
    )
    return group, permissions


def narrow(apps, schema_editor):
    group, permissions = editors_name_permissions(apps)
    if group is not None:
        group.permissions.remove(*permissions)


def widen(apps, schema_editor):
    group, permissions = editors_name_permissions(apps)
    if group is not None:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("editors", "0002_roles")]

    operations = [migrations.RunPython(narrow, widen)]
