"""The querysets the public pages share: published partnerships with their cities' names."""

from __future__ import annotations

from agreements.models import Partnership, PartnershipQuerySet, prefetch_themes
from cities.models import local_names


def with_partner_names(queryset: PartnershipQuerySet) -> PartnershipQuerySet:
    """Partnerships with both cities and their names in the active language, in three queries."""
    return queryset.select_related("city_a", "city_b").prefetch_related(
        local_names("city_a__"), local_names("city_b__")
    )


def published_partnerships() -> PartnershipQuerySet:
    return with_partner_names(Partnership.objects.published()).prefetch_related(prefetch_themes())
