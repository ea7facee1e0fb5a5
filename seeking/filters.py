"""The one FilterSet of the partner-search list: its page, facet counts and pagination.

``?country=IT`` is the searching city's country; ``interest=VN`` a country of interest,
``region=south-eastern-asia`` a region of interest (a country of interest counts for its
region), ``theme=music``, ``language=fa``; ``q`` a name of the city in any language.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.filters import CountryFacetFilter, SearchFilter, ThemeFacetFilter, theme_choices
from cities.filters import COUNTRY_CHOICES
from cities.models import City
from cities.normalise import search_key
from publishing.facets import FacetedFilterSet, FacetFilter

from .models import LANGUAGE_CHOICES, REGION_CHOICES, PartnerSearchFacet


class PartnerSearchFilter(FacetedFilterSet):
    facet_index = PartnerSearchFacet

    q = SearchFilter(method="search", help_text=_("A name of the city, in any language."))
    country = CountryFacetFilter(
        label=_("City's country"), choices=COUNTRY_CHOICES, searchable=True
    )
    theme = ThemeFacetFilter(label=_("Theme"), choices=theme_choices)
    interest = CountryFacetFilter(
        label=_("Country of interest"), choices=COUNTRY_CHOICES, searchable=True
    )
    region = FacetFilter(label=_("Region of interest"), choices=REGION_CHOICES)
    language = FacetFilter(label=_("Working language"), choices=LANGUAGE_CHOICES, searchable=True)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not search_key(value):
            return queryset
        return queryset.filter(city__in=City.objects.matching(value).order_by().values("pk"))
