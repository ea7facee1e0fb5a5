"""The roles' permissions on suggestions from the public, as the other apps' (editors 0002).

Curators view, change (match a new partnership's cities) and delete suggestions; city editors
view them (the admin narrows them to their cities' and lets them accept or decline those).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = ("view_suggestion", "change_suggestion", "delete_suggestion")
EDITORS = ("view_suggestion",)


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("suggestions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Curators", CURATORS), ("City editors", EDITORS)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="suggestions", codename__in=codenames
                )
            )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="suggestions"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0001_initial"),
        ("editors", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
