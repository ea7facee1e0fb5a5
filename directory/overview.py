"""The home page and the indexes of countries and networks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries

from agreements.filters import PartnershipFilter
from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Partnership,
    PartnershipFacet,
    public_cities,
)
from cities.models import City, Network, NetworkMembership
from publishing.caching import cached
from publishing.page_cache import public_page

from . import structured_data as ld
from .querysets import published_partnerships


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponse:
    facets = {
        facet.name: facet
        for facet in PartnershipFilter({}, queryset=Partnership.objects.published()).facets()
    }
    figures = cached("home", "figures", home_figures)
    partnerships = published_partnerships().in_bulk(figures["recent"] + figures["notable"])
    return render(
        request,
        "directory/home.html",
        {
            **figures["counts"],
            "recent": [partnerships[pk] for pk in figures["recent"] if pk in partnerships],
            "notable": [partnerships[pk] for pk in figures["notable"] if pk in partnerships],
            "countries": facets["country"].options[:12],
            "themes": facets["theme"].options,
            "networks": facets["network"].options,
            "structured_data": ld.website_data(request),
        },
    )


def home_figures() -> dict[str, Any]:
    """The home page's numbers and lists, computed once per content version."""
    partnerships = Partnership.objects.published()
    in_directory = public_cities()
    activity = (
        Count("meetings", filter=Meeting.objects.published_q("meetings__"), distinct=True)
        + Count("agreements", filter=Agreement.objects.published_q("agreements__"), distinct=True)
        + Count("projects", filter=CulturalProject.objects.published_q("projects__"), distinct=True)
    )
    return {
        "counts": {
            "partnership_count": partnerships.count(),
            "city_count": in_directory.count(),
            "country_count": in_directory.values("country").distinct().count(),
            "network_count": Network.objects.filter(
                memberships__in=NetworkMembership.objects.published()
            )
            .distinct()
            .count(),
        },
        "recent": list(
            partnerships.order_by("-published_at", "slug").values_list("pk", flat=True)[:6]
        ),
        "notable": list(
            partnerships.annotate(records=activity)
            .filter(records__gt=0)
            .order_by("-records", "slug")
            .values_list("pk", flat=True)[:6]
        ),
    }


@require_safe
@public_page
def network_list(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.select_related("parent").annotate(
        member_count=Count(
            "memberships__city",
            filter=NetworkMembership.objects.published_q("memberships__"),
            distinct=True,
        )
    )
    return render(request, "directory/network_list.html", {"networks": networks})


@require_safe
@public_page
def country_list(request: HttpRequest) -> HttpResponse:
    counts = dict(
        PartnershipFacet.objects.filter(facet="country", record__in=Partnership.objects.published())
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = sorted(
        ({"code": code, "name": countries.name(code), "count": n} for code, n in counts.items()),
        key=lambda row: str(row["name"]),
    )
    return render(request, "directory/country_list.html", {"rows": rows})


# The orders of the city list (``?sort=``): by name, or most partnerships first.
CITY_SORTS = ("name", "partnerships")


def city_sort(request: HttpRequest) -> str:
    """The city list's ``sort``: "name" unless asked otherwise; an unknown one is a 400."""
    sort = request.GET.get("sort", "name")
    if sort not in CITY_SORTS:
        raise BadRequest(
            _("%(sort)s is not a way to sort cities: use name or partnerships.") % {"sort": sort}
        )
    return sort


def sorted_cities(cities: QuerySet[City], sort: str) -> QuerySet[City]:
    """Cities by name, or by their number of published partnerships (most first, then by
    name), counted in the database so that every page of the list is in one order."""
    if sort != "partnerships":
        return cities.order_by("name", "pk")
    published = Partnership.objects.published().order_by()
    counts = [
        Coalesce(
            Subquery(
                published.filter(**{side: OuterRef("pk")})
                .values(side)
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
        for side in ("city_a", "city_b")
    ]
    return cities.annotate(partnership_count=counts[0] + counts[1]).order_by(
        "-partnership_count", "name", "pk"
    )
