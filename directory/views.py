"""The public directory: published records only, a constant number of queries per page.

Every queryset here starts from ``published()``; records linked from a published record are
shown only when they are published themselves (a draft agreement never shows on its published
partnership's page, an unpublished person is never named).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection
from django.db.models import (
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries

from agreements.filters import MAX_QUERY_LENGTH, PartnershipFilter, ProjectFilter
from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Participant,
    Partnership,
    PartnershipFacet,
    PartnershipQuerySet,
    Person,
    Position,
    Signatory,
    prefetch_themes,
    public_cities,
)
from cities.filters import CityFilter
from cities.models import Citation, City, CityName, Network, NetworkMembership, local_names
from cities.normalise import search_key
from common.documents import document_content_type
from common.overload import expensive
from publishing.caching import cached
from publishing.facets import FacetedFilterSet, clean_query
from publishing.page_cache import QuerySpec, public_page

from . import charts
from . import search as search_module
from . import structured_data as ld
from .citing import KINDS, citation_for
from .exports import FORMATS, export_response
from .maps import Link, Place, overlay_svg, world_svg
from .timeline import partnership_timeline

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
SEARCH_SECTION_SIZE = 10

# The query parameters each cached page reads (publishing/page_cache.py): any other is
# dropped from the request and from the cache key.
LISTING = ("page", "format")
PARTNERSHIP_QUERY = QuerySpec.of(PartnershipFilter, single=LISTING)
PROJECT_QUERY = QuerySpec.of(ProjectFilter, single=LISTING)
CITY_QUERY = QuerySpec.of(CityFilter, single=LISTING)
PARTNERSHIP_FILTERS = QuerySpec.of(PartnershipFilter)
SEARCH_QUERY = QuerySpec(single=frozenset({"q"}))


def filtered(request: HttpRequest) -> bool:
    """A listing asked with a filter, a sort or a download (not just a page of it): work
    that the bitmaps alone do not answer (common/overload.py limits it)."""
    return any(name != "page" for name in request.GET)


def searched(request: HttpRequest) -> bool:
    return bool(request.GET.get("q", "").strip())


class CachedCountPaginator(Paginator):
    """Counting every matching row is the costly part of a page: it is known already (from
    the facet bitmaps) or cached by content."""

    def __init__(self, *args: Any, known_count: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        queryset: Any = self.object_list
        return cached("count", str(queryset.query), queryset.count)


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    per_page: int = PAGE_SIZE,
    count: int | None = None,
    filterset: FacetedFilterSet | None = None,
) -> Page:
    """The requested page; a malformed number is a 400, a page past the end a 404."""
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise BadRequest(_("The page number must be a whole number.")) from None
    if number < 1:
        raise BadRequest(_("The page number must be 1 or more."))
    paginator = CachedCountPaginator(queryset, per_page, known_count=count)
    if number > paginator.num_pages:
        raise Http404(
            _("There is no page %(number)d: there are %(pages)d.")
            % {"number": number, "pages": paginator.num_pages}
        )
    if filterset is not None:
        # The page's ids from the facet bitmaps, then those rows alone from the database.
        ids = filterset.page_ids((number - 1) * per_page, per_page)
        if ids is not None:
            rows = filterset.queryset.filter(pk__in=ids).in_bulk()  # type: ignore[union-attr]
            return Page([rows[pk] for pk in ids if pk in rows], number, paginator)
    return paginator.page(number)


def with_partner_names(queryset: PartnershipQuerySet) -> PartnershipQuerySet:
    """Partnerships with both cities and their names in the active language, in three queries."""
    return queryset.select_related("city_a", "city_b").prefetch_related(
        local_names("city_a__"), local_names("city_b__")
    )


def published_partnerships() -> PartnershipQuerySet:
    return with_partner_names(Partnership.objects.published()).prefetch_related(prefetch_themes())


def citations_of(records: Iterable[Any]) -> list[Citation]:
    """The citations of several records, of any models, in one query."""
    by_model: dict[type, list[int]] = defaultdict(list)
    for record in records:
        by_model[type(record)].append(record.pk)
    if not by_model:
        return []
    condition = Q()
    for model, ids in by_model.items():
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    citations = (
        Citation.objects.filter(condition)
        .select_related("source")
        .order_by("source__published", "source_id", "id")
    )
    # Records of one partnership often cite the same passage: show each passage once.
    unique: dict[tuple[int, str, str], Citation] = {}
    for citation in citations:
        unique.setdefault((citation.source_id, citation.excerpt, citation.excerpt_en), citation)
    return list(unique.values())


def export_format(request: HttpRequest) -> str:
    """The ``format`` of a download (csv, json, geojson), or "" for the page itself."""
    fmt = request.GET.get("format", "")
    if fmt and fmt not in FORMATS:
        raise BadRequest(
            _("%(format)s is not a download format: use csv, json or geojson.") % {"format": fmt}
        )
    return fmt


def browse(
    request: HttpRequest,
    filterset: FacetedFilterSet,
    template_name: str,
    context: dict[str, Any],
    kind: str,
) -> HttpResponse | StreamingHttpResponse:
    """A faceted listing: the whole page, with htmx only the region that changes, or with
    ``?format=`` a download of every record it matches."""
    status = 200
    fmt = export_format(request)
    if fmt and filterset.is_valid():
        return export_response(kind, fmt, filterset.qs, request, filterset.qs.count())
    if filterset.is_valid():
        page = paginate(request, filterset.qs, count=filterset.total(), filterset=filterset)
        facets = filterset.facets()
        active = any(facet.selected for facet in facets)
        context.update(page=page, facets=facets, active=active, errors=[])
    else:
        status = 400
        errors = [
            f"{filterset.form.fields[name].label}: {message}"
            for name, messages in filterset.errors.items()
            for message in messages
        ]
        context.update(page=None, facets=[], errors=errors)
    context.update(filterset=filterset, query=request.GET.urlencode())
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    name = template_name.replace(".html", "_results.html") if partial else template_name
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
        Count("meetings", filter=Q(meetings__publication_state="published"), distinct=True)
        + Count("agreements", filter=Q(agreements__publication_state="published"), distinct=True)
        + Count("projects", filter=Q(projects__publication_state="published"), distinct=True)
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
@public_page(query=PARTNERSHIP_QUERY)
@expensive(when=filtered)
def partnership_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = PartnershipFilter(
        clean_query(request.GET), queryset=published_partnerships(), request=request
    )
    return browse(request, filterset, "directory/partnership_list.html", {}, "partnerships")


@require_safe
@public_page
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(published_partnerships(), slug=slug)
    agreements = list(partnership.agreements.public().select_related("signed_place"))
    meetings = list(partnership.meetings.public().select_related("place"))
    projects = list(partnership.projects.public())
    status_changes = list(partnership.status_changes.all())
    pair = [partnership.city_a_id, partnership.city_b_id]
    related = (
        published_partnerships()
        .involving_any(pair)
        .exclude(pk=partnership.pk)
        .order_by("slug")[:30]
    )
    citations = citations_of([partnership, *agreements, *meetings, *projects])
    return render(
        request,
        "directory/partnership_detail.html",
        {
            "partnership": partnership,
            "timeline": partnership_timeline(status_changes, agreements, meetings, projects),
            "people": people_involved(meetings, agreements),
            "citations": citations,
            "related": related,
            "structured_data": ld.partnership_data(partnership, citations, request),
            "cite": citation_for("partnership", partnership, request),
        },
    )


def people_involved(meetings: list[Meeting], agreements: list[Agreement]) -> list[dict[str, Any]]:
    """Published people and organisations who met or signed, each with what they did where."""
    people: dict[tuple[str, int], dict[str, Any]] = {}
    rows: list[tuple[Participant | Signatory, Meeting | Agreement]] = [
        (row, row.meeting)
        for row in Participant.objects.filter(meeting__in=meetings).select_related(
            "person", "organization", "meeting"
        )
    ] + [
        (row, row.agreement)
        for row in Signatory.objects.filter(agreement__in=agreements).select_related(
            "person", "organization", "agreement"
        )
    ]
    for row, record in rows:
        person = row.person if row.person and row.person.is_published else None
        organization = (
            row.organization if row.organization and row.organization.is_published else None
        )
        if person is None and organization is None:
            continue
        key = ("person", person.pk) if person else ("organization", organization.pk)  # type: ignore[union-attr]
        entry = people.setdefault(
            key, {"person": person, "organization": organization, "involvements": []}
        )
        entry["involvements"].append(
            {"role": row.role, "record": record, "signed": isinstance(row, Signatory)}
        )
    return sorted(people.values(), key=lambda e: str(e["person"] or e["organization"]).casefold())


def published_partnership_or_none(record: Meeting | Agreement | CulturalProject) -> Any:
    partnership = record.partnership
    return partnership if partnership is not None and partnership.is_published else None


@require_safe
@public_page
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.public().select_related("signed_place"),
        slug=slug,
    )
    partnership = with_partner_names(Partnership.objects.filter(pk=agreement.partnership_id)).get()
    signatories = [
        row
        for row in agreement.signatories.select_related("person", "organization")
        if (row.person and row.person.is_published)
        or (row.organization and row.organization.is_published)
    ]
    citations = citations_of([agreement])
    return render(
        request,
        "directory/agreement_detail.html",
        {
            "agreement": agreement,
            "partnership": partnership,
            "signatories": signatories,
            "citations": citations,
            "structured_data": ld.agreement_data(agreement, citations, request),
            "cite": citation_for("agreement", agreement, request),
        },
    )


@require_safe
def agreement_document(request: HttpRequest, slug: str) -> FileResponse:
    """The signed document of a published agreement; nothing else is served."""
    agreement = get_object_or_404(
        Agreement.objects.public(),
        slug=slug,
    )
    if not agreement.document:
        raise Http404(_("This agreement has no document on file."))
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404(_("This agreement has no document on file.")) from None
    content_type = document_content_type(handle.read(512))
    handle.seek(0)
    return FileResponse(
        handle,
        filename=agreement.document.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )


@require_safe
@public_page
def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.public()
        .select_related("place", "partnership__city_a", "partnership__city_b")
        .prefetch_related(
            prefetch_themes(),
            Prefetch("cities", queryset=City.objects.prefetch_related(local_names())),
        ),
        slug=slug,
    )
    participants = [
        {
            "person": row.person if row.person and row.person.is_published else None,
            "organization": row.organization
            if row.organization and row.organization.is_published
            else None,
            "role": row.role,
        }
        for row in meeting.participants.select_related("person", "organization")
    ]
    citations = citations_of([meeting])
    return render(
        request,
        "directory/meeting_detail.html",
        {
            "meeting": meeting,
            "partnership": published_partnership_or_none(meeting),
            "participants": [p for p in participants if p["person"] or p["organization"]],
            "citations": citations,
            "structured_data": ld.meeting_data(meeting, citations, request),
            "cite": citation_for("meeting", meeting, request),
        },
    )


@require_safe
@public_page(query=PROJECT_QUERY)
@expensive(when=filtered)
def project_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    queryset = (
        CulturalProject.objects.public()
        .select_related("network")
        .prefetch_related(
            prefetch_themes(),
            Prefetch("cities", queryset=City.objects.prefetch_related(local_names())),
        )
        .order_by("title", "pk")
    )
    filterset = ProjectFilter(clean_query(request.GET), queryset=queryset, request=request)
    return browse(request, filterset, "directory/project_list.html", {}, "projects")


@require_safe
@public_page
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(
        CulturalProject.objects.public()
        .select_related("network", "partnership__city_a", "partnership__city_b")
        .prefetch_related(
            prefetch_themes(),
            Prefetch("cities", queryset=City.objects.prefetch_related(local_names())),
        ),
        slug=slug,
    )
    citations = citations_of([project])
    return render(
        request,
        "directory/project_detail.html",
        {
            "project": project,
            "partnership": published_partnership_or_none(project),
            "citations": citations,
            "structured_data": ld.project_data(project, citations, request),
            "cite": citation_for("project", project, request),
        },
    )


@require_safe
@public_page(query=CITY_QUERY)
@expensive(when=filtered)
def city_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = CityFilter(
        clean_query(request.GET),
        queryset=public_cities().prefetch_related(local_names()).order_by("name"),
    )
    if not filterset.is_valid():
        raise BadRequest(
            " ".join(str(message) for messages in filterset.errors.values() for message in messages)
        )
    if fmt := export_format(request):
        return export_response("cities", fmt, filterset.qs, request, filterset.qs.count())
    page = paginate(request, filterset.qs)
    partner_counts = partner_counts_of([city.pk for city in page.object_list])
    for city in page.object_list:
        city.partner_count = partner_counts.get(city.pk, 0)
    return render(
        request,
        "directory/city_list.html",
        {
            "page": page,
            "q": filterset.form.cleaned_data.get("q", ""),
            "country": ",".join(filterset.form.cleaned_data.get("country") or []),
            "countries": countries,
        },
    )


def partner_counts_of(city_ids: list[int]) -> dict[int, int]:
    """How many published partnerships each city has, in one query."""
    counts: dict[int, int] = defaultdict(int)
    published = Partnership.objects.published()
    for side in ("city_a", "city_b"):
        rows = (
            published.filter(**{f"{side}__in": city_ids})
            .values_list(side)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for city_id, n in rows:
            counts[city_id] += n
    return counts


@require_safe
@public_page
def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # django-stubs cannot type reverse relations by name; the tests check these at run time.
    names: Any = Prefetch("names", queryset=CityName.objects.order_by("language", "name"))
    memberships: Any = Prefetch(
        "memberships", queryset=NetworkMembership.objects.published().select_related("network")
    )
    city = get_object_or_404(
        City.objects.public().prefetch_related(local_names(), names, memberships),
        slug=slug,
    )
    # Themes are not shown here: with_partner_names, not published_partnerships.
    partnerships = list(
        with_partner_names(Partnership.objects.published()).involving(city).order_by("slug")
    )
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for partnership in partnerships:
        partner = partnership.city_b if partnership.city_a_id == city.pk else partnership.city_a
        by_country[partner.country.code].append({"partnership": partnership, "partner": partner})
    groups = sorted(
        (
            {"country": entries[0]["partner"].country, "entries": entries}
            for entries in by_country.values()
        ),
        key=lambda group: str(group["country"].name),
    )
    meetings = (
        Meeting.objects.public().involving(city).order_by(F("date").desc(nulls_last=True), "title")
    )
    projects = CulturalProject.objects.public().involving(city).order_by("title")
    return render(
        request,
        "directory/city_detail.html",
        {
            "city": city,
            "partner_groups": groups,
            "partnership_count": len(partnerships),
            "meetings": list(meetings),
            "projects": list(projects),
            "has_records": bool(partnerships) or bool(city.memberships.all()),
            "structured_data": ld.city_data(city, request),
            "cite": citation_for("city", city, request),
        },
    )


@require_safe
@public_page
def network_list(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.select_related("parent").annotate(
        member_count=Count(
            "memberships__city",
            filter=Q(memberships__publication_state="published"),
            distinct=True,
        )
    )
    return render(request, "directory/network_list.html", {"networks": networks})


@require_safe
@public_page
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    memberships = NetworkMembership.objects.published().select_related("city")
    network = get_object_or_404(
        Network.objects.select_related("parent").prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships.prefetch_related(local_names("city__")).order_by(
                    "field", "since", "city__name"
                ),
            ),
            Prefetch(
                "children",
                queryset=Network.objects.prefetch_related(
                    Prefetch(
                        "memberships",
                        queryset=memberships.exclude(role="member")
                        .prefetch_related(local_names("city__"))
                        .order_by("role", "city__name"),
                        to_attr="office_roles",
                    )
                ),
            ),
        ),
        slug=slug,
    )
    projects = CulturalProject.objects.public().filter(network=network).order_by("title")
    members = network.memberships.all()
    return render(
        request,
        "directory/network_detail.html",
        {
            "network": network,
            "members": [m for m in members if m.role == "member"],
            "roles": [m for m in members if m.role != "member"],
            "projects": list(projects),
            "structured_data": ld.network_data(
                network, [m for m in members if m.role == "member"], request
            ),
            "cite": citation_for("network", network, request),
        },
    )


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


PARTNERS_PER_COUNTRY = 10


@require_safe
@public_page
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return redirect("directory:country-detail", code=code.upper(), permanent=True)
    if code not in countries:
        raise Http404(_("%(code)s is not a known country code.") % {"code": code})
    published = Partnership.objects.published().in_country(code)
    counts = dict(
        PartnershipFacet.objects.filter(facet="pair", record__in=published, value__contains=code)
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = partner_rows(published, code)
    groups: dict[str, dict[str, Any]] = {}
    for pair, n in counts.items():
        first, second = pair.split("-")
        partner = second if first == code else first
        groups[partner] = {"code": partner, "name": countries.name(partner), "count": n}
    for partnership in rows:
        partner_country = partnership.partner_country  # type: ignore[attr-defined]  # annotated
        groups[partner_country].setdefault("partnerships", []).append(partnership)
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], str(g["name"])))
    return render(
        request,
        "directory/country_detail.html",
        {
            "code": code,
            "name": countries.name(code),
            "groups": ordered,
            "total": published.count(),
            "per_group": PARTNERS_PER_COUNTRY,
        },
    )


def partner_rows(published: PartnershipQuerySet, code: str) -> list[Partnership]:
    """The first partnerships with each partner country, in one query (a window function)."""
    partner = Case(
        When(city_a__country=code, then=F("city_b__country")), default=F("city_a__country")
    )
    return list(
        with_partner_names(published)
        .prefetch_related(prefetch_themes())
        .annotate(
            partner_country=partner,
            rank=Window(RowNumber(), partition_by=[partner], order_by=[F("slug").asc()]),
        )
        .filter(rank__lte=PARTNERS_PER_COUNTRY)
        .order_by("slug")
    )


@require_safe
@public_page
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person.objects.published(), slug=slug)
    positions = list(
        Position.objects.filter(
            person=person, organization__publication_state="published"
        ).select_related("organization")
    )
    meetings = (
        Meeting.objects.public()
        .filter(participants__person=person)
        .distinct()
        .order_by(F("date").desc(nulls_last=True))
    )
    agreements = (
        Agreement.objects.public()
        .filter(signatories__person=person, partnership__publication_state="published")
        .distinct()
    )
    return render(
        request,
        "directory/person_detail.html",
        {
            "person": person,
            "positions": positions,
            "meetings": list(meetings),
            "agreements": list(agreements),
            "citations": citations_of([person]),
            "structured_data": ld.person_data(person, positions, request),
            "cite": citation_for("person", person, request),
        },
    )


@require_safe
@public_page(query=SEARCH_QUERY)
@expensive(when=searched)
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise BadRequest(
            _("The search text is too long (at most %(limit)d characters).")
            % {"limit": MAX_QUERY_LENGTH}
        )
    key = search_key(text)
    sections: list[dict[str, Any]] = []
    suggestions: list[City] = []
    if key:
        sections = search_sections(key, text)
        if not sections:  # a misspelling: offer the closest names (PostgreSQL trigrams)
            suggestions = list(City.objects.public().similar_to(text)[:5])
    return render(
        request,
        "directory/search.html",
        {
            "q": text,
            "sections": sections,
            "suggestions": suggestions,
            "total": sum(s["count"] for s in sections),
        },
    )


def search_sections(key: str, text: str) -> list[dict[str, Any]]:
    """Matches of every kind of record, best first: exact name, then start of a name, then part."""
    labels = {
        "cities": (_("Cities"), reverse("directory:city-list")),
        "partnerships": (_("Partnerships"), reverse("directory:partnership-list")),
        "projects": (_("Projects"), reverse("directory:project-list")),
        "networks": (_("Networks"), ""),
        "people": (_("People"), ""),
    }
    return [
        {
            "name": name,
            "label": labels[name][0],
            "results": results,
            "count": count,
            "more": labels[name][1],
        }
        for name, results, count in search_module.sections(key, published_partnerships())
        if count
    ]


MAP_LIMIT = 300


def places_and_links(partnerships: Iterable[Partnership]) -> tuple[list[Place], list[Link]]:
    places: dict[int, Place] = {}
    links = []
    for partnership in partnerships:
        ends = []
        for city in partnership.cities:
            if city.latitude is None or city.longitude is None:
                continue
            place = places.setdefault(
                city.pk, Place(city.display_name, float(city.longitude), float(city.latitude))
            )
            ends.append(place)
        if len(ends) == 2:
            links.append(Link(*ends))
    return list(places.values()), links


def svg_response(svg: str, max_age: int = 300) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@require_safe
def world_map(request: HttpRequest) -> HttpResponse:
    """The base map: Natural Earth's countries, drawn once per process."""
    return svg_response(world_svg(), max_age=86400)


@require_safe
@public_page(query=PARTNERSHIP_FILTERS)
@expensive
def partnership_map(request: HttpRequest) -> HttpResponse:
    """The partnerships of a browse URL as arcs, to lay over the base map."""
    filterset = PartnershipFilter(
        clean_query(request.GET), queryset=with_partner_names(Partnership.objects.published())
    )
    if not filterset.is_valid():
        raise BadRequest(_("Some filters could not be understood"))
    drawable = filterset.qs.filter(city_a__latitude__isnull=False, city_b__latitude__isnull=False)
    shown = list(drawable[:MAP_LIMIT])
    places, links = places_and_links(shown)
    title = _("%(shown)d of %(total)d partnerships drawn, between %(places)d cities") % {
        "shown": len(links),
        "total": filterset.qs.count(),
        "places": len(places),
    }
    return svg_response(overlay_svg(links, places, title))


@require_safe
@public_page
def partnership_detail_map(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(with_partner_names(Partnership.objects.published()), slug=slug)
    places, links = places_and_links([partnership])
    return svg_response(overlay_svg(links, places, str(partnership)))


@require_safe
@public_page
def city_map(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(City.objects.public(), slug=slug)
    partnerships = with_partner_names(Partnership.objects.published().involving(city))
    places, links = places_and_links(partnerships[:MAP_LIMIT])
    return svg_response(overlay_svg(links, places, city.name))


@require_safe
@public_page(query=PARTNERSHIP_FILTERS)
@expensive
def partnership_charts(request: HttpRequest) -> HttpResponse:
    """Charts of the partnerships of a browse URL: decades, country pairs, busiest cities."""
    filterset = PartnershipFilter(
        clean_query(request.GET), queryset=Partnership.objects.published(), request=request
    )
    if not filterset.is_valid():
        raise BadRequest(_("Some filters could not be understood"))
    rtl = translation.get_language_bidi()
    records = filterset.qs
    return render(
        request,
        "directory/partnership_charts.html",
        {
            "filterset": filterset,
            "total": records.count(),
            "decades": charts.decades(records, rtl),
            "cities": charts.most_connected_cities(records, rtl),
            "pairs": charts.country_pairs(records),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
def cite(request: HttpRequest, kind: str, slug: str, style: str) -> HttpResponse:
    """A record's citation as a BibTeX file or CSL-JSON, for reference managers."""
    if kind not in KINDS:
        raise Http404(_("Nothing of this kind can be cited."))
    record = get_object_or_404(KINDS[kind].records(), slug=slug)
    citation = citation_for(kind, record, request)
    if style == "bib":
        response = HttpResponse(citation.bibtex, content_type="application/x-bibtex; charset=utf-8")
    else:
        response = HttpResponse(
            json.dumps([citation.csl], ensure_ascii=False, indent=2),
            content_type="application/vnd.citationstyles.csl+json; charset=utf-8",
        )
    response["Content-Disposition"] = f'inline; filename="{kind}-{slug}.{style}"'
    return response


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /*/admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 in the site's design, with the message when it is one of ours."""
    message = str(exception) if isinstance(exception, BadRequest) else ""
    return TemplateResponse(request, "400.html", {"message": message}, status=400).render()


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = exception.args[0] if isinstance(exception, Http404) and exception.args else ""
    if not isinstance(message, str) or (message.startswith("No ") and "matches" in message):
        message = ""  # Django's own messages name models; ours are written for people
    return TemplateResponse(request, "404.html", {"message": message}, status=404).render()
