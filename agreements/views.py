"""Record pages for editorial records: published ones only, anything else is a 404."""

from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView

from cities.models import Citation

from .models import Agreement, CulturalProject, Meeting, Partnership

CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("source"))


class PartnershipDetailView(DetailView):
    context_object_name = "partnership"

    def get_queryset(self) -> QuerySet[Partnership]:
        return (
            Partnership.objects.published()
            .select_related("city_a", "city_b")
            .prefetch_related(
                "themes",  # type: ignore[misc]  # taggit ships no type information
                "status_changes",
                CITATIONS,
                Prefetch("agreements", queryset=Agreement.objects.published()),
                Prefetch("meetings", queryset=Meeting.objects.published()),
                Prefetch("projects", queryset=CulturalProject.objects.published()),
            )
        )


class AgreementDetailView(DetailView):
    context_object_name = "agreement"

    def get_queryset(self) -> QuerySet[Agreement]:
        return (
            Agreement.objects.published()
            .filter(partnership__publication_state="published")
            .select_related("partnership__city_a", "partnership__city_b", "signed_place")
            .prefetch_related("signatories__person", "signatories__organization", CITATIONS)
        )


class MeetingDetailView(DetailView):
    context_object_name = "meeting"

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.published()
            .select_related("place", "partnership__city_a", "partnership__city_b")
            .prefetch_related(
                "cities",
                "themes",  # type: ignore[misc]  # taggit ships no type information
                "participants__person",
                "participants__organization",
                CITATIONS,
            )
        )


class ProjectDetailView(DetailView):
    context_object_name = "project"

    def get_queryset(self) -> QuerySet[CulturalProject]:
        return (
            CulturalProject.objects.published()
            .select_related("network", "partnership__city_a", "partnership__city_b")
            .prefetch_related(
                "cities",
                "themes",  # type: ignore[misc]  # taggit ships no type information
                CITATIONS,
            )
        )
