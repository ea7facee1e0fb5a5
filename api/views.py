"""Read-only endpoints over published records, filtered exactly as the browse pages are.

A browse page's query string works here unchanged: ``/partnerships/?country=IT&theme=music``
and ``/api/v1/partnerships/?country=IT&theme=music`` give the same records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from agreements.filters import AgreementFilter, MeetingFilter, PartnershipFilter, ProjectFilter
from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Partnership,
    Theme,
    prefetch_themes,
    public_cities,
)
from cities.filters import CityFilter
from cities.models import Citation, City, Network, NetworkMembership
from publishing.facets import clean_query
from seeking.filters import PartnerSearchFilter
from seeking.models import PartnerSearch
from seeking.views import mark_public_cities, public_searches

from . import serializers


class FilterBackend(DjangoFilterBackend):
    """django-filter with the browse pages' rules: empty parameters are no filter, and the
    bound FilterSet stays on the view so that the response can carry its facet counts."""

    def get_filterset_kwargs(self, request: Any, queryset: QuerySet, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = clean_query(request.query_params)
        return kwargs

    def get_filterset(self, request: Any, queryset: QuerySet, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        view.filterset = filterset
        return filterset


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    # Slugs as the site's URLs take them: anything else (a NUL byte) is a 404 at the router.
    lookup_value_regex = r"[-\w]+"
    filter_backends = [FilterBackend]


class PartnershipViewSet(ReadOnlyViewSet):
    """Partnerships between two cities, with the facets of the browse page."""

    filterset_class = PartnershipFilter

    def get_queryset(self) -> QuerySet[Partnership]:
        # A page's rows are read by api.rows from the ids of its records, nothing more.
        partnerships = Partnership.objects.published().only("pk")
        if self.action == "retrieve":
            partnerships = partnerships.prefetch_related(
                "status_changes",
                Prefetch("citations", queryset=Citation.objects.select_related("source")),
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.public().select_related(
                        "partnership", "signed_place"
                    ),
                    to_attr="published_agreements",
                ),
                Prefetch(
                    "meetings",
                    queryset=Meeting.objects.public()
                    .select_related("partnership", "place")
                    .prefetch_related("cities", prefetch_themes()),
                    to_attr="published_meetings",
                ),
                Prefetch(
                    "projects",
                    queryset=CulturalProject.objects.public().only("pk", "partnership"),
                    to_attr="published_projects",
                ),
            )
        return partnerships

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.PartnershipDetailSerializer
        return serializers.PartnershipSerializer


class ProjectViewSet(ReadOnlyViewSet):
    """Cultural projects of partnerships, cities and networks."""

    filterset_class = ProjectFilter
    serializer_class = serializers.ProjectSerializer

    def get_queryset(self) -> QuerySet[CulturalProject]:
        return CulturalProject.objects.public().only("pk").order_by("title")


class AgreementViewSet(ReadOnlyViewSet):
    """Agreements of published partnerships."""

    filterset_class = AgreementFilter
    serializer_class = serializers.AgreementSerializer

    def get_queryset(self) -> QuerySet[Agreement]:
        return (
            Agreement.objects.public()
            .select_related("partnership", "signed_place")
            .order_by("signed", "slug")
        )


class MeetingViewSet(ReadOnlyViewSet):
    """Meetings between cities, with their partnership when it is published."""

    filterset_class = MeetingFilter
    serializer_class = serializers.MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.public()
            .select_related("partnership", "place")
            .prefetch_related("cities", prefetch_themes())
            .order_by("date", "slug")
        )


class CityViewSet(ReadOnlyViewSet):
    """The directory's cities (those with a published record), with their names."""

    filterset_class = CityFilter

    def get_queryset(self) -> QuerySet[City]:
        cities = public_cities().only("pk").order_by("name", "pk")
        if self.action == "retrieve":
            cities = cities.prefetch_related("names", "other_wikidata_ids")
        return cities

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return serializers.CityDetailSerializer
        return serializers.CitySerializer


class NetworkViewSet(ReadOnlyViewSet):
    """Networks of cities with their published memberships."""

    serializer_class = serializers.NetworkSerializer

    def get_queryset(self) -> QuerySet[Network]:
        memberships: Any = Prefetch(
            "memberships",
            queryset=NetworkMembership.objects.published()
            .select_related("city")
            .order_by("field", "city__name"),
            to_attr="published_memberships",
        )
        return Network.objects.select_related("parent").prefetch_related(memberships)


class ThemeViewSet(ReadOnlyViewSet):
    """The curated theme vocabulary."""

    serializer_class = serializers.ThemeSerializer
    queryset = Theme.objects.order_by("name")


class PartnerSearchViewSet(ReadOnlyViewSet):
    """Cities seeking partners: published calls running today, with the list page's facets
    (``/seeking-partners/?theme=music`` and ``/api/v1/seeking-partners/?theme=music`` give
    the same calls). A draft, a call not yet started and an ended one are not here."""

    filterset_class = PartnerSearchFilter
    serializer_class = serializers.PartnerSearchSerializer

    def get_queryset(self) -> QuerySet[PartnerSearch]:
        return public_searches()

    def get_object(self) -> PartnerSearch:
        search = super().get_object()
        mark_public_cities([search])
        return search
