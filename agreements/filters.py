"""The FilterSets of partnership and project listings.

One FilterSet drives a listing everywhere: the browse page and its facet counts, the exports and
the API list use these classes, so what a researcher downloads is what they saw. Parameters are
those of the browse URL: ``?country=IT&country=IR&theme=music&decade=1990&q=firenze``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cities.models import City, Network
from cities.normalise import search_key
from cities.regions import REGIONS
from twinning.facets import FacetedFilterSet, FacetFilter

from .models import (
    CulturalProject,
    Partnership,
    PartnershipFacet,
    PartnershipKind,
    PartnershipStatus,
    ProjectFacet,
    ProjectStatus,
    Theme,
)

# Wide enough for the oldest twinnings (Paderborn and Le Mans, 836) and the years ahead.
DECADES = range(800, 2100, 10)
YEARS = range(800, 2100)
MAX_QUERY_LENGTH = 200


def country_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in countries]


def region_choices() -> list[tuple[str, str]]:
    return [(slug, str(name)) for slug, name in REGIONS.items()]


def theme_choices() -> list[tuple[str, Any]]:
    return [(slug, _(name)) for slug, name in Theme.objects.values_list("slug", "name")]


def network_choices() -> list[tuple[str, str]]:
    return list(Network.objects.values_list("slug", "name"))


def decade_choices() -> list[tuple[str, str]]:
    return [(str(decade), _("%(decade)ss") % {"decade": decade}) for decade in DECADES]


def year_choices() -> list[tuple[str, str]]:
    return [(str(year), str(year)) for year in YEARS]


class CountryPairField(forms.MultipleChoiceField):
    """Pairs of ISO country codes in alphabetical order, "DE-FR": too many to list as choices."""

    default_error_messages = {
        "invalid_choice": _(
            "%(value)s is not a pair of country codes in alphabetical order, such as DE-FR."
        ),
    }

    def valid_value(self, value: str) -> bool:
        first, dash, second = value.partition("-")
        return bool(dash) and first <= second and first in countries and second in countries


class CountryPairFilter(FacetFilter):
    field_class = CountryPairField  # type: ignore[assignment]  # a MultipleChoiceField too

    def option_label(self, value: str, labels: dict[str, Any]) -> str:
        first, _dash, second = value.partition("-")
        return f"{countries.name(first)} – {countries.name(second)}"


class SearchField(forms.CharField):
    default_error_messages = {
        "max_length": _("The search text is too long (at most %(limit_value)d characters)."),
    }


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)


class PartnershipFilter(FacetedFilterSet):
    facet_index = PartnershipFacet

    q = SearchFilter(method="search")
    country = FacetFilter(label=_("Country"), choices=country_choices, searchable=True)
    region = FacetFilter(label=_("World region"), choices=region_choices)
    theme = FacetFilter(label=_("Theme"), choices=theme_choices)
    kind = FacetFilter(label=_("Kind"), choices=PartnershipKind.choices)
    status = FacetFilter(label=_("Status"), choices=PartnershipStatus.choices)
    decade = FacetFilter(label=_("Established"), choices=decade_choices)
    network = FacetFilter(label=_("Network"), choices=network_choices, searchable=True)
    pair = CountryPairFilter(label=_("Country pair"), shown=False)
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        method="sort_by",
        empty_label=None,
        choices=[
            ("name", _("Name")),
            ("established", _("Year established, oldest first")),
            ("-established", _("Year established, newest first")),
            ("-updated", _("Recently updated")),
        ],
    )

    SORTS: dict[str, list[Any]] = {
        "name": ["slug"],
        "established": [F("established").asc(nulls_last=True), "slug"],
        "-established": [F("established").desc(nulls_last=True), "slug"],
        "-updated": ["-updated_at", "slug"],
    }

    class Meta:
        model = Partnership
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Partnerships whose cities have a name, in any language or script, containing it."""
        if not search_key(value):
            return queryset
        return queryset.involving_any(City.objects.matching(value).values("pk"))  # type: ignore[attr-defined]

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["name"]))


class ProjectFilter(FacetedFilterSet):
    facet_index = ProjectFacet

    q = SearchFilter(method="search")
    theme = FacetFilter(label=_("Theme"), choices=theme_choices)
    status = FacetFilter(label=_("Status"), choices=ProjectStatus.choices)
    country = FacetFilter(label=_("Country"), choices=country_choices, searchable=True)
    year = FacetFilter(label=_("Year started"), choices=year_choices)

    class Meta:
        model = CulturalProject
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(search_keys__contains=key)
