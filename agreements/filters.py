"""The FilterSets of partnership and project listings.

One FilterSet drives a listing everywhere: the browse page and its facet counts, the exports and
the API list use these classes, so what a researcher downloads is what they saw. Parameters are
those of the browse URL: ``?country=IT&country=IR&theme=music&decade=1990&q=firenze``.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from pyroaring import AbstractBitMap

from cities.filters import COUNTRY_CHOICES, _country_label
from cities.models import City, CityLevel, Network
from cities.normalise import search_key
from cities.regions import REGIONS
from publishing.bitmaps import Bitmaps
from publishing.caching import in_process
from publishing.facets import CountryChoiceField, FacetedFilterSet, FacetFilter

from .models import (
    CONFIRMATION_AGES,
    CONFIRMED_NEVER,
    NOT_STATED,
    STATUS_NOT_STATED,
    Agreement,
    AgreementKind,
    AgreementStatus,
    CulturalProject,
    Meeting,
    MeetingFormat,
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


def _decade_label(decade: int) -> str:
    """A decade as the language names it, in its digits: "1990s", "anni 1990", "دههٔ ۱۹۹۰"."""
    from common.formats import native_digits

    return gettext("%(decade)ss") % {"decade": native_digits(str(decade))}


# Fixed choices are lists (documented as enums in the API schema), their labels translated
# when shown; themes and networks come from the database, read once per request.
REGION_CHOICES = list(REGIONS.items())
DECADE_CHOICES = [
    *((str(decade), lazy(_decade_label, str)(decade)) for decade in DECADES),
    (NOT_STATED, _("not stated by the sources")),
]
YEAR_CHOICES = [(str(year), str(year)) for year in YEARS]


def theme_choices() -> list[tuple[str, Any]]:
    rows = in_process("themes", lambda: list(Theme.objects.values_list("slug", "name")))
    return [(slug, _(name)) for slug, name in rows]


def network_choices() -> list[tuple[str, str]]:
    return in_process("networks", lambda: list(Network.objects.values_list("slug", "name")))


class ThemeFacetFilter(FacetFilter):
    """Theme slugs (``/api/v1/themes/``)."""


class NetworkFacetFilter(FacetFilter):
    """Network slugs (``/api/v1/networks/``)."""


class CountryFacetFilter(FacetFilter):
    field_class = CountryChoiceField


class CountryPairField(forms.MultipleChoiceField):
    """Pairs of ISO country codes in alphabetical order, "DE-FR": too many to list as choices."""

    default_error_messages = {
        "invalid_choice": _(
            "%(value)s is not a pair of country codes in alphabetical order, such as DE-FR."
        ),
    }

    def to_python(self, value: Any) -> list[str]:
        # FR-DE is the pair DE-FR: the facet index stores each pair in alphabetical order.
        return ["-".join(sorted(pair.split("-", 1))) for pair in super().to_python(value)]

    def valid_value(self, value: str) -> bool:
        first, dash, second = value.partition("-")
        return bool(dash) and first <= second and first in countries and second in countries


class CountryPairFilter(FacetFilter):
    field_class = CountryPairField  # type: ignore[assignment]  # a MultipleChoiceField too

    def option_label(self, value: str, labels: dict[str, Any]) -> str:
        first, _dash, second = value.partition("-")
        return f"{_country_label(first)} – {_country_label(second)}"


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


class ConfirmationAgeFilter(django_filters.MultipleChoiceFilter):
    """How long ago a partnership was last confirmed, as of the day it is asked
    (``PartnershipQuerySet.confirmed``); several ages are ORed. Not a facet: an index row
    would be true on the day the record was saved, not on the day it is read."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        return qs.confirmed(*value)  # type: ignore[attr-defined]  # a PartnershipQuerySet


class CityFilter(django_filters.CharFilter):
    """One city by its slug (the last part of its page's address). A slug that names no
    public city matches nothing, as a search for a name nobody has: a draft's city and a
    city that does not exist look the same."""

    field_class = forms.SlugField


class PartnershipFilter(FacetedFilterSet):
    facet_index = PartnershipFacet
    bitmap_universe = staticmethod(lambda: Partnership.objects.published())
    bitmap_order = ("slug",)
    bitmap_facets = ("city",)

    q = SearchFilter(
        method="search", help_text=_("A name of either city, in any language or script.")
    )
    country = CountryFacetFilter(
        label=_("Country"),
        choices=COUNTRY_CHOICES,
        searchable=True,
        help_text=_("ISO 3166-1 alpha-2 code of either city's country."),
    )
    city = CityFilter(
        label=_("City"),
        method="by_city",
        max_length=100,
        help_text=_("A city's slug, as in its page's address: its partnerships."),
    )
    region = FacetFilter(
        label=_("World region"),
        choices=REGION_CHOICES,
        help_text=_("UN M49 region of either city."),
    )
    theme = ThemeFacetFilter(label=_("Theme"), choices=theme_choices, help_text=_("Theme slug."))
    kind = FacetFilter(label=_("Kind"), choices=PartnershipKind.choices)
    status = FacetFilter(
        label=_("Status"),
        choices=[*PartnershipStatus.choices, (STATUS_NOT_STATED, _("not stated by the sources"))],
    )
    level = FacetFilter(
        label=_("Administrative level"),
        choices=CityLevel.choices,
        help_text=_(
            "municipality: between two cities or municipalities; district: a side is a "
            "district or borough; region: a side is a county, province or region."
        ),
    )
    decade = FacetFilter(
        label=_("Established"),
        choices=DECADE_CHOICES,
        help_text=_("Decade established, by its first year: 1990."),
    )
    network = NetworkFacetFilter(
        label=_("Network"),
        choices=network_choices,
        searchable=True,
        help_text=_("Network slug: partnerships whose cities are current members."),
    )
    pair = CountryPairFilter(
        label=_("Country pair"),
        shown=False,
        help_text=_("Two country codes in alphabetical order: DE-FR."),
    )
    confirmed = ConfirmationAgeFilter(
        label=_("Last confirmed"),
        choices=CONFIRMATION_AGES,
        help_text=_(
            "How long ago the record was last confirmed, counted from today: year (within "
            "the last year), 1-5, over-5 (over 5 years ago) or never."
        ),
    )
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

    CITY_IDS_INLINE = 2000

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
        # The cities' ids as a list when they are few (the usual case): the database then
        # reads both city columns' indexes, where a subquery makes it scan every partnership.
        # Asked once per request: the listing and its facet counts both filter by them.
        ids = self.matching_city_ids(value)
        if len(ids) > self.CITY_IDS_INLINE:
            cities = City.objects.matching(value).order_by().values("pk")
            return queryset.involving_any(cities)  # type: ignore[attr-defined]
        return queryset.involving_any(ids)  # type: ignore[attr-defined]

    def matching_city_ids(self, value: str) -> list[int]:
        """The ids of every city a search matches, asked once per request: the listing, its
        facet counts and the bitmaps' mask all filter by them (one query, where a one-letter
        search asked twice, for the first 2,001 and for all)."""
        memo = self.__dict__.setdefault("_city_ids", {})
        if value not in memo:
            memo[value] = City.objects.matching_ids(value)
        return cast(list[int], memo[value])

    def chosen_city(self) -> City | None:
        """The public city that ``city`` names, if any (read once a request)."""
        slug = self.form.cleaned_data.get("city") if self.is_valid() else None
        if not slug:
            return None
        memo = self.__dict__.setdefault("_chosen_city", {})
        if slug not in memo:
            memo[slug] = City.objects.public().filter(slug=slug).first()
        return memo[slug]

    def by_city(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """One city's partnerships (a city page links here when it has too many to list)."""
        city = self.chosen_city()
        if city is None:
            return queryset.none()
        return queryset.involving(city)  # type: ignore[attr-defined]

    def bitmap_mask(self, name: str, value: Any, bitmaps: Bitmaps) -> AbstractBitMap | None:
        """A search: the union of the matching cities' partnerships ("city" facet), one
        query for the cities' ids however many match. A confirmation age: the ids of the
        confirmed records it selects (the few), and "never" as the rest of the listing."""
        if name == "confirmed":
            return self.confirmation_mask(value, bitmaps)
        if name == "city" and "city" in bitmaps.facets:  # one city's partnerships
            city = self.chosen_city()
            return bitmaps.any_of_ids("city", [city.pk] if city else [])
        if name != "q" or "city" not in bitmaps.facets:
            return None
        return bitmaps.any_of_ids("city", self.matching_city_ids(value))

    def confirmation_mask(self, ages: list[str], bitmaps: Bitmaps) -> AbstractBitMap:
        universe: Any = self.bitmap_universe()
        confirmed = universe.filter(confirmed_at__isnull=False)
        dated = [age for age in ages if age != CONFIRMED_NEVER]
        mask = bitmaps.of_records(
            confirmed.confirmed(*dated).values_list("pk", flat=True) if dated else []
        )
        if CONFIRMED_NEVER in ages:
            ever = bitmaps.of_records(confirmed.values_list("pk", flat=True))
            mask |= bitmaps.universe - ever
        return mask

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.order_by(*self.SORTS.get(value, self.SORTS["name"]))


class ProjectFilter(FacetedFilterSet):
    facet_index = ProjectFacet
    bitmap_universe = staticmethod(lambda: CulturalProject.objects.public())
    bitmap_order = ("title", "pk")

    q = SearchFilter(method="search")
    theme = ThemeFacetFilter(label=_("Theme"), choices=theme_choices, help_text=_("Theme slug."))
    status = FacetFilter(label=_("Status"), choices=ProjectStatus.choices)
    country = CountryFacetFilter(label=_("Country"), choices=COUNTRY_CHOICES, searchable=True)
    year = FacetFilter(label=_("Year started"), choices=YEAR_CHOICES)

    class Meta:
        model = CulturalProject
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        key = search_key(value)
        if not key:
            return queryset
        return queryset.filter(search_keys__contains=key)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # type: ignore[assignment]  # whole numbers only


class AgreementFilter(django_filters.FilterSet):
    partnership = django_filters.CharFilter(
        field_name="partnership__slug", label=_("Partnership (its slug)")
    )
    kind = django_filters.MultipleChoiceFilter(choices=AgreementKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=AgreementStatus.choices, label=_("Status"))

    class Meta:
        model = Agreement
        fields: list[str] = []


class MeetingFilter(django_filters.FilterSet):
    partnership = django_filters.CharFilter(
        field_name="partnership__slug", label=_("Partnership (its slug)")
    )
    city = django_filters.CharFilter(method="involving", label=_("City (its slug)"))
    meeting_format = django_filters.MultipleChoiceFilter(
        field_name="format", choices=MeetingFormat.choices, label=_("Format")
    )
    # A whole year the calendar can hold: year=0 or 99999999 is a 400, not a server error.
    year = YearFilter(
        field_name="date", lookup_expr="year", label=_("Year"), min_value=1, max_value=9999
    )

    class Meta:
        model = Meeting
        fields: list[str] = []

    def involving(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(place__slug=value)
            | Q(cities__slug=value)
            | Q(partnership__city_a__slug=value)
            | Q(partnership__city_b__slug=value)
        ).distinct()
