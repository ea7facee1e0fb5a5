"""The FilterSet of city listings: the cities page and the API use the same parameters."""

from __future__ import annotations

import functools
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from publishing.facets import CountryChoiceField

from .models import City
from .normalise import search_key
from .regions import COUNTRY_REGION, REGIONS

MAX_QUERY_LENGTH = 200


@functools.lru_cache(maxsize=16)
def country_names(language: str) -> dict[str, str]:
    """Every country's name in a language, translated once per process."""
    return {code: str(name) for code, name in countries}


def _country_label(code: str) -> str:
    return country_names(get_language() or "en").get(code, code)


# ISO 3166-1 codes (and Kosovo's XK), their names translated when shown; a list, so that the
# API schema documents them as an enum.
COUNTRY_CHOICES = [(code, lazy(_country_label, str)(code)) for code in countries.countries]


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", COUNTRY_CHOICES)
        kwargs.setdefault("label", _("Country"))
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class CityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, in any language or script"), method="search", max_length=MAX_QUERY_LENGTH
    )
    country = CountryFilter(field_name="country")
    region = django_filters.MultipleChoiceFilter(
        label=_("World region"),
        choices=[(slug, name) for slug, name in REGIONS.items()],
        method="in_region",
        distinct=False,
    )

    class Meta:
        model = City
        fields: list[str] = []

    def search(self, queryset: QuerySet[City], name: str, value: str) -> QuerySet[City]:
        if not search_key(value):
            return queryset
        return queryset.filter(pk__in=City.objects.matching(value).values("pk"))

    def in_region(self, queryset: QuerySet[City], name: str, value: list[str]) -> QuerySet[City]:
        if not value:
            return queryset
        codes = [code for code, region in COUNTRY_REGION.items() if region in value]
        return queryset.filter(country__in=codes)
