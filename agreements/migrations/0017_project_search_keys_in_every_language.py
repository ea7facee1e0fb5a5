"""Projects' search keys hold their translated titles too (CulturalProject.refresh_search_key)."""

from django.db import migrations

from cities.normalise import search_keys


def refresh(apps, schema_editor):
    CulturalProject = apps.get_model("agreements", "CulturalProject")
    projects = list(CulturalProject.objects.all())
    for project in projects:
        project.search_keys = search_keys(
            project.title, project.title_it, project.title_fa, project.title_vi
        )
    CulturalProject.objects.bulk_update(projects, ["search_keys"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0016_unmatched_places_queue"),
    ]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
