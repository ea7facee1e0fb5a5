"""sitemap.xml: published pages only, in every interface language (with hreflang alternates)."""

from __future__ import annotations

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Partnership,
    Person,
    public_cities,
)
from cities.models import City, Network


class LocalisedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = 5000


class PageSitemap(LocalisedSitemap):
    def items(self) -> list[str]:
        return [
            "home",
            "directory:partnership-list",
            "directory:city-list",
            "directory:network-list",
            "directory:project-list",
            "directory:country-list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class PartnershipSitemap(LocalisedSitemap):
    def items(self) -> QuerySet[Partnership]:
        return Partnership.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Partnership) -> Any:
        return item.updated_at


class AgreementSitemap(LocalisedSitemap):
    def items(self) -> QuerySet[Agreement]:
        return (
            Agreement.objects.published()
            .filter(partnership__publication_state="published")
            .only("slug", "updated_at")
            .order_by("pk")
        )

    def lastmod(self, item: Agreement) -> Any:
        return item.updated_at


class MeetingSitemap(LocalisedSitemap):
    def items(self) -> QuerySet[Meeting]:
        return Meeting.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Meeting) -> Any:
        return item.updated_at


class ProjectSitemap(LocalisedSitemap):
    def items(self) -> QuerySet[CulturalProject]:
        return CulturalProject.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: CulturalProject) -> Any:
        return item.updated_at


class PersonSitemap(LocalisedSitemap):
    def items(self) -> QuerySet[Person]:
        return Person.objects.published().only("slug").order_by("pk")


class CitySitemap(LocalisedSitemap):
    """Cities with a published record: gazetteer entries alone are not directory pages."""

    def items(self) -> QuerySet[City]:
        return public_cities().only("slug").order_by("pk")


class NetworkSitemap(LocalisedSitemap):
    def items(self) -> QuerySet[Network]:
        return (
            Network.objects.filter(memberships__publication_state="published")
            .distinct()
            .order_by("pk")
        )


class CountrySitemap(LocalisedSitemap):
    def items(self) -> list[str]:
        return sorted(set(public_cities().values_list("country", flat=True)))

    def location(self, item: str) -> str:
        return reverse("directory:country-detail", args=[item])


SITEMAPS = {
    "pages": PageSitemap,
    "partnerships": PartnershipSitemap,
    "agreements": AgreementSitemap,
    "meetings": MeetingSitemap,
    "projects": ProjectSitemap,
    "cities": CitySitemap,
    "networks": NetworkSitemap,
    "countries": CountrySitemap,
    "people": PersonSitemap,
}
