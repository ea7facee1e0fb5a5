"""The querysets the public pages share: published partnerships with their cities' names."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from agreements.models import (
    Organization,
    Partnership,
    PartnershipQuerySet,
    Person,
    prefetch_themes,
)
from cities.models import local_names


def with_partner_names(queryset: PartnershipQuerySet) -> PartnershipQuerySet:
    """Partnerships with both cities and their names in the active language, in three queries."""
    return queryset.select_related("city_a", "city_b").prefetch_related(
        local_names("city_a__"), local_names("city_b__")
    )


def published_partnerships() -> PartnershipQuerySet:
    return with_partner_names(Partnership.objects.published()).prefetch_related(prefetch_themes())


def naming_the_public(rows: QuerySet[Any]) -> QuerySet[Any]:
    """Signatories or participants that name a published person or organisation, with only
    the published ones loaded: a draft person's ``row.person`` is None, never their name."""
    people = Person.objects.published()
    organizations = Organization.objects.published()
    # django-stubs cannot type a Prefetch of a forward relation; the tests check it.
    loaded: Any = [
        Prefetch("person", queryset=people),
        Prefetch("organization", queryset=organizations),
    ]
    return rows.filter(Q(person__in=people) | Q(organization__in=organizations)).prefetch_related(
        *loaded
    )
