"""The public records a correction can be about, and the cities whose editors review it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from agreements.models import Agreement, CulturalProject, Meeting, Partnership, Person
from cities.models import City, Network


@dataclass(frozen=True)
class CorrectableKind:
    model: type[models.Model]
    records: Callable[[], models.QuerySet[Any]]
    # The fields a person may name; anything else is described in the text.
    fields: tuple[str, ...]
    cities: Callable[[Any], set[int]]


def partnership_cities(partnership: Partnership | None) -> set[int]:
    if partnership is None:
        return set()
    return {partnership.city_a_id, partnership.city_b_id}


def with_cities(record: Any) -> set[int]:
    """A meeting's or a project's: its partnership's cities and its own."""
    ids = partnership_cities(record.partnership)
    ids.update(record.cities.values_list("pk", flat=True))
    return ids


KINDS: dict[str, CorrectableKind] = {
    "partnership": CorrectableKind(
        Partnership,
        lambda: Partnership.objects.published().select_related("city_a", "city_b"),
        ("status", "established", "ended", "kind", "institutions", "summary"),
        partnership_cities,
    ),
    "agreement": CorrectableKind(
        Agreement,
        lambda: Agreement.objects.public().select_related("partnership"),
        ("title", "kind", "status", "signed", "summary"),
        lambda agreement: partnership_cities(agreement.partnership),
    ),
    "meeting": CorrectableKind(
        Meeting,
        lambda: Meeting.objects.public().select_related("partnership"),
        ("title", "date", "format", "summary", "outcomes"),
        with_cities,
    ),
    "project": CorrectableKind(
        CulturalProject,
        lambda: CulturalProject.objects.public().select_related("partnership"),
        ("title", "status", "start", "end", "description", "outputs"),
        with_cities,
    ),
    "person": CorrectableKind(
        Person, lambda: Person.objects.published(), ("name", "native_name", "note"), lambda _: set()
    ),
    "city": CorrectableKind(
        City,
        lambda: City.objects.public(),
        ("name", "country", "subdivision", "population", "latitude", "longitude"),
        lambda city: {city.pk},
    ),
    # A network is nobody's city: its corrections go to the curators.
    "network": CorrectableKind(
        Network,
        lambda: Network.objects.all(),
        ("name", "native_name", "website", "description"),
        lambda _: set(),
    ),
}


def field_choices(kind: CorrectableKind) -> list[tuple[str, str]]:
    meta = kind.model._meta
    return [
        (name, str(getattr(meta.get_field(name), "verbose_name", name)).capitalize())
        for name in kind.fields
    ]


def matching_city(typed: str) -> City | None:
    """The one public city of this name (in any of its names), or None."""
    typed = typed.strip()
    if not typed:
        return None
    found = list(
        City.objects.public()
        .filter(models.Q(name__iexact=typed) | models.Q(names__name__iexact=typed))
        .distinct()[:2]
    )
    return found[0] if len(found) == 1 else None
