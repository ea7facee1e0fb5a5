"""schema.org descriptions of record pages, rendered as JSON-LD for search engines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from agreements.models import Agreement, CulturalProject, Meeting, Partnership, Person, Position
from cities.models import Citation, City, Network, Source
from common.dates import PartialDate
from common.translations import TranslatableRecord, page_language

CONTEXT = "https://schema.org"
ATTENDANCE = {
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "in_person": "https://schema.org/OfflineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def iso(date: PartialDate | None) -> str | None:
    return date.iso if date else None


def text(record: TranslatableRecord, field: str) -> str | dict[str, str] | None:
    """A record's text as its page shows it: in the page's language (``inLanguage`` of the
    description says which); the original shown for want of a translation as a JSON-LD value
    object that names its language, as the page's ``lang`` attribute does."""
    shown = record.in_language(field)
    if not shown.text:
        return None
    if shown.in_page_language:
        return shown.text
    return {"@value": shown.text, "@language": shown.language}


def compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def place(city: City, request: HttpRequest) -> dict[str, Any]:
    # Its name in the page's language where the gazetteer has one (``local_names``).
    data: dict[str, Any] = {
        "@type": "City",
        "name": city.display_name,
        "alternateName": city.name if city.display_name != city.name else None,
        "url": request.build_absolute_uri(city.get_absolute_url()),
        "address": {"@type": "PostalAddress", "addressCountry": city.country.code},
        "sameAs": [f"https://www.wikidata.org/wiki/{city.wikidata_id}"] if city.wikidata_id else [],
    }
    if city.latitude is not None and city.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(city.latitude),
            "longitude": float(city.longitude),
        }
    return compact(data)


def source(item: Source) -> dict[str, Any]:
    return compact(
        {
            "@type": "CreativeWork",
            "name": item.title,
            "alternateName": item.title_en,
            "inLanguage": item.language,
            "publisher": {"@type": "Organization", "name": item.publisher}
            if item.publisher
            else None,
            "datePublished": iso(item.published_when),
            "url": item.url,
        }
    )


def cited(citations: Iterable[Citation]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for citation in citations:
        seen.setdefault(citation.source_id, source(citation.source))
    return list(seen.values())


def partnership_data(
    partnership: Partnership, citations: Iterable[Citation], request: HttpRequest
) -> dict[str, Any]:
    return compact(
        {
            "@context": CONTEXT,
            "@type": "WebPage",
            "inLanguage": page_language(),
            "name": f"{partnership.city_a.display_name} – {partnership.city_b.display_name}",
            "url": request.build_absolute_uri(partnership.get_absolute_url()),
            "description": text(partnership, "summary"),
            "about": [place(city, request) for city in partnership.cities],
            "temporalCoverage": f"{iso(partnership.established_when)}/.."
            if partnership.established_when
            else None,
            "keywords": [theme.name for theme in partnership.theme_list],
            "citation": cited(citations),
            "dateModified": partnership.updated_at.isoformat(),
        }
    )


def agreement_data(
    agreement: Agreement, citations: Iterable[Citation], request: HttpRequest
) -> dict[str, Any]:
    return compact(
        {
            "@context": CONTEXT,
            "@type": "CreativeWork",
            "inLanguage": page_language(),
            "name": text(agreement, "title"),
            "url": request.build_absolute_uri(agreement.get_absolute_url()),
            "genre": agreement.get_kind_display(),
            "dateCreated": iso(agreement.signed_when),
            "locationCreated": place(agreement.signed_place, request)
            if agreement.signed_place
            else None,
            "abstract": text(agreement, "summary"),
            "citation": cited(citations),
        }
    )


def meeting_data(
    meeting: Meeting, citations: Iterable[Citation], request: HttpRequest
) -> dict[str, Any]:
    location: dict[str, Any] | None = None
    if meeting.format == "online":
        location = {"@type": "VirtualLocation"}
    elif meeting.place:
        location = place(meeting.place, request)
    return compact(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "inLanguage": page_language(),
            "name": text(meeting, "title"),
            "url": request.build_absolute_uri(meeting.get_absolute_url()),
            "startDate": iso(meeting.date_when),
            "eventAttendanceMode": ATTENDANCE.get(meeting.format),
            "location": location,
            "description": text(meeting, "summary"),
            "citation": cited(citations),
        }
    )


def project_data(
    project: CulturalProject, citations: Iterable[Citation], request: HttpRequest
) -> dict[str, Any]:
    return compact(
        {
            "@context": CONTEXT,
            "@type": "CreativeWork",
            "inLanguage": page_language(),
            "name": text(project, "title"),
            "url": request.build_absolute_uri(project.get_absolute_url()),
            "creativeWorkStatus": project.get_status_display(),
            "temporalCoverage": f"{iso(project.start_when)}/{iso(project.end_when) or '..'}"
            if project.start_when
            else None,
            "description": text(project, "description"),
            "spatialCoverage": [place(city, request) for city in project.cities.all()],
            "keywords": [theme.name for theme in project.theme_list],
            "citation": cited(citations),
        }
    )


def city_data(city: City, request: HttpRequest) -> dict[str, Any]:
    data = place(city, request)
    data["@context"] = CONTEXT
    data["alternateName"] = sorted({name.name for name in city.names.all()} - {data["name"]})
    return compact(data)


def network_data(network: Network, members: Iterable[Any], request: HttpRequest) -> dict[str, Any]:
    return compact(
        {
            "@context": CONTEXT,
            "@type": "Organization",
            "name": network.name,
            "alternateName": [n for n in (network.native_name, network.short_name) if n],
            "url": request.build_absolute_uri(network.get_absolute_url()),
            "sameAs": [network.website] if network.website else [],
            "description": text(network, "description"),
            "parentOrganization": {"@type": "Organization", "name": network.parent.name}
            if network.parent
            else None,
            "member": [place(m.city, request) for m in members],
        }
    )


def person_data(
    person: Person, positions: Iterable[Position], request: HttpRequest
) -> dict[str, Any]:
    return compact(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "name": person.name,
            "alternateName": person.native_name,
            "url": request.build_absolute_uri(person.get_absolute_url()),
            "jobTitle": [position.title for position in positions],
            "worksFor": [
                {"@type": "Organization", "name": position.organization.name}
                for position in positions
            ],
        }
    )


def website_data(request: HttpRequest) -> dict[str, Any]:
    search = request.build_absolute_uri(reverse("directory:search"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": "Twinning",
        "url": request.build_absolute_uri(reverse("home")),
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{search}?q={{query}}",
            "query-input": "required name=query",
        },
    }
