"""The curated theme vocabulary. Staff extend it in the admin (Themes); the theme field of
partnerships, meetings and projects accepts only terms that exist here."""

from django.db import migrations

VOCABULARY = [
    ("music", "Music", "Musicians, concerts, recordings, music education."),
    ("museums", "Museums", "Exchanges and twinnings between museums."),
    ("crafts", "Crafts", "Crafts and folk art, artisans."),
    ("heritage", "Heritage", "Conservation of built and intangible heritage."),
    ("education", "Education", "Schools and education."),
    ("academic-exchange", "Academic exchange", "Universities and research institutions."),
    ("urban-regeneration", "Urban regeneration", "Renewal of historic centres and public spaces."),
    ("transport", "Transport", "Public transport, e.g. tramways."),
    ("citizen-diplomacy", "Citizen diplomacy", "Exchanges between residents, citizen diplomats."),
    ("arts", "Arts", "Joint artistic activities."),
    ("cultural-industry", "Cultural industry", "Creative and cultural industries."),
    ("film", "Film", "Cinema and film."),
    ("design", "Design", "Design."),
    ("gastronomy", "Gastronomy", "Food and gastronomy."),
    ("literature", "Literature", "Literature and books."),
    ("economy", "Economy and trade", "Economic and trade cooperation."),
    ("technology", "Technology", "Technology and innovation."),
]


def add_vocabulary(apps, schema_editor):
    Theme = apps.get_model("agreements", "Theme")
    for slug, name, description in VOCABULARY:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


def remove_vocabulary(apps, schema_editor):
    Theme = apps.get_model("agreements", "Theme")
    Theme.objects.filter(slug__in=[slug for slug, _, _ in VOCABULARY], items__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_initial")]

    operations = [migrations.RunPython(add_vocabulary, remove_vocabulary)]
