"""The roles' permissions on partner searches, as the other apps' (editors 0002).

Curators do everything, publishing included (their publish permission is editors'). City
editors view, add and change calls; the admin narrows them to their cities' drafts.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATORS = (
    "view_partnersearch",
    "add_partnersearch",
    "change_partnersearch",
    "delete_partnersearch",
)
EDITORS = ("view_partnersearch", "add_partnersearch", "change_partnersearch")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("seeking")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("Curators", CURATORS), ("City editors", EDITORS)):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="seeking", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    apps.get_model("auth", "Permission").objects.filter(content_type__app_label="seeking").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seeking", "0001_partner_searches"),
        ("editors", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
