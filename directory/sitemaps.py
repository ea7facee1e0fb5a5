"""sitemap.xml: published pages only, in every interface language (with hreflang alternates).

``/sitemap.xml`` is an index of the sections' pages (``/sitemap-partnerships.xml?p=2``), each of
at most ``limit`` addresses, so that every published record is listed however many there are.
Neither the index nor a page loads more rows than the page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Partnership,
    Person,
    public_cities,
)
from cities.models import City, Network, NetworkMembership
from seeking.models import PartnerSearch


class LanguagePairs(Sequence[tuple[Any, str]]):
    """(item, language) pairs, as Django's i18n sitemaps paginate them, without the list:
    counted by the database, and only a page's items read."""

    def __init__(self, items: Any, languages: list[str]) -> None:
        self.items, self.languages = items, languages

    def __len__(self) -> int:
        count = self.items.count() if isinstance(self.items, QuerySet) else len(self.items)
        return int(count) * len(self.languages)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, str]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Any, str] | list[tuple[Any, str]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        per_item = len(self.languages)
        first, last = start // per_item, -(-stop // per_item)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        return pairs[start - first * per_item : stop - first * per_item]


class LocalisedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # Addresses per page (each with its five alternates): about 1.2 MB of XML.
    limit = 2000

    def _items(self) -> Any:
        languages = self.languages or [code for code, _name in settings.LANGUAGES]
        return LanguagePairs(self.items(), list(languages))


class RecordSitemap(LocalisedSitemap):
    """Records that know when they last changed: the index says so without reading them all."""

    def lastmod(self, item: Any) -> Any:
        return item.updated_at

    def get_latest_lastmod(self) -> Any:
        records: QuerySet[Any] = self.items()  # type: ignore[assignment]  # a QuerySet here
        return records.aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(LocalisedSitemap):
    def items(self) -> list[str]:
        return [
            "home",
            "directory:partnership-list",
            "directory:city-list",
            "directory:network-list",
            "directory:project-list",
            "directory:country-list",
            "directory:person-list",
            "seeking:search-list",
            "directory:about",
            "directory:methodology",
            "directory:data",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class PartnershipSitemap(RecordSitemap):
    def items(self) -> QuerySet[Partnership]:
        return Partnership.objects.published().only("slug", "updated_at").order_by("pk")


class AgreementSitemap(RecordSitemap):
    def items(self) -> QuerySet[Agreement]:
        return Agreement.objects.public().only("slug", "updated_at").order_by("pk")


class MeetingSitemap(RecordSitemap):
    def items(self) -> QuerySet[Meeting]:
        return Meeting.objects.public().only("slug", "updated_at").order_by("pk")


class ProjectSitemap(RecordSitemap):
    def items(self) -> QuerySet[CulturalProject]:
        return CulturalProject.objects.public().only("slug", "updated_at").order_by("pk")


class PartnerSearchSitemap(RecordSitemap):
    """Calls for partners running today: a draft or an ended call is in no sitemap."""

    def items(self) -> QuerySet[PartnerSearch]:
        return PartnerSearch.objects.public().only("slug", "updated_at").order_by("pk")


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
            Network.objects.filter(NetworkMembership.objects.published_q("memberships__"))
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
    "seeking-partners": PartnerSearchSitemap,
}
