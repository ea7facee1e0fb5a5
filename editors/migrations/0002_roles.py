"""The two roles, as groups with their permissions (created here, not by hand).

Curators edit everything, publish and withdraw, and assign cities to editors. City editors
view everything public, write drafts of the records of their cities (the admin narrows what
they see and change to those cities) and add the people, organisations and sources they cite.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PROJECT_APPS = ("cities", "agreements", "editors")

EDITOR_PERMISSIONS = {
    "cities": {
        "city": ("view", "change"),
        "cityname": ("view", "add", "change", "delete"),
        "network": ("view",),
        "networkmembership": ("view", "add", "change"),
        "source": ("view", "add"),
        "citation": ("view", "add", "change", "delete"),
    },
    "agreements": {
        "partnership": ("view", "add", "change"),
        "statuschange": ("view", "add", "change", "delete"),
        "agreement": ("view", "add", "change"),
        "signatory": ("view", "add", "change", "delete"),
        "meeting": ("view", "add", "change"),
        "participant": ("view", "add", "change", "delete"),
        "culturalproject": ("view", "add", "change"),
        "person": ("view", "add", "change"),
        "position": ("view", "add", "change", "delete"),
        "organization": ("view", "add", "change"),
        "theme": ("view",),
        "themeditem": ("view", "add", "change", "delete"),
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    curators.permissions.set(
        Permission.objects.filter(content_type__app_label__in=PROJECT_APPS)
        | Permission.objects.filter(
            content_type__app_label="auth",
            codename__in=["view_user", "change_user", "view_group"],
        )
    )
    editors, _ = Group.objects.get_or_create(name="City editors")
    wanted = [
        (app_label, f"{action}_{model}")
        for app_label, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    editors.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Curators", "City editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editors", "0001_initial"),
        ("agreements", "0007_history_and_document_checks"),
        ("cities", "0004_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
