"""The page of one record: partnership, agreement, meeting, project, city, network, country,
person, and its citation files.

Records linked from a published record are shown only when they are published themselves
(a draft agreement never shows on its published partnership's page, an unpublished person
is never named).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest
from django.db.models import Case, Count, F, FilteredRelation, Prefetch, Q, When
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries
from django_countries.fields import Country
from pyroaring import BitMap

from agreements.claims import disagreements
from agreements.filters import PartnershipFilter
from agreements.merging import merged_into
from agreements.models import (
    Agreement,
    CulturalProject,
    Meeting,
    Organization,
    Participant,
    Partnership,
    PartnershipFacet,
    PartnershipKind,
    PartnershipQuerySet,
    Person,
    Position,
    Signatory,
    prefetch_themes,
)
from cities.models import Citation, City, CityName, Network, NetworkMembership, local_names
from common.documents import document_content_type
from common.translations import page_language
from publishing.caching import cached
from publishing.page_cache import QuerySpec, public_page

from . import structured_data as ld
from .browse import paginate
from .citing import KINDS, citation_for
from .querysets import naming_the_public, published_partnerships, with_partner_names
from .timeline import partnership_timeline


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


def record_page(
    request: HttpRequest,
    kind: str,
    record: Any,
    structured_data: dict[str, Any],
    **context: Any,
) -> HttpResponse:
    """What every record's page has: its template (``directory/<kind>_detail.html``), the
    record under its kind's name, its schema.org description and its citation."""
    return render(
        request,
        f"directory/{kind}_detail.html",
        {
            kind: record,
            **context,
            "structured_data": structured_data,
            "cite": citation_for(kind, record, request),
        },
    )


def merged_page(public: Any, slug: str) -> HttpResponse:
    """The address of a duplicate merged away leads to the record kept, when it is public
    (``agreements.merging``); else the page is not found."""
    kept: Any = merged_into(public.model, slug)
    if kept is None or not public.filter(pk=kept.pk).exists():
        raise Http404("No record has this address.")
    return redirect(kept.get_absolute_url(), permanent=True)


@require_safe
@public_page
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        partnership = get_object_or_404(published_partnerships(), slug=slug)
    except Http404:
        return merged_page(published_partnerships(), slug)
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
    people = people_involved(meetings, agreements)
    # What each source states, where they differ (a suggestion's claim is not public).
    claims = list(partnership.claims.filter(citation__isnull=False).select_related("source"))
    return record_page(
        request,
        "partnership",
        partnership,
        ld.partnership_data(partnership, citations, request),
        disagreements=disagreements(partnership, claims),
        timeline=partnership_timeline(status_changes, agreements, meetings, projects),
        untranslated_notes=any(change.untranslated_in() for change in status_changes),
        people=people,
        untranslated_roles=any(
            involvement["role"] and not involvement["role"].in_page_language
            for entry in people
            for involvement in entry["involvements"]
        ),
        citations=citations,
        related=related,
    )


def people_involved(meetings: list[Meeting], agreements: list[Agreement]) -> list[dict[str, Any]]:
    """Published people and organisations who met or signed, each with what they did where."""
    people: dict[tuple[str, int], dict[str, Any]] = {}
    rows: list[tuple[Participant | Signatory, Meeting | Agreement]] = [
        (row, row.meeting)
        for row in naming_the_public(
            Participant.objects.filter(meeting__in=meetings).select_related("meeting")
        )
    ] + [
        (row, row.agreement)
        for row in naming_the_public(
            Signatory.objects.filter(agreement__in=agreements).select_related("agreement")
        )
    ]
    for row, record in rows:
        person, organization = row.person, row.organization
        key = ("person", person.pk) if person else ("organization", organization.pk)  # type: ignore[union-attr]
        entry = people.setdefault(
            key, {"person": person, "organization": organization, "involvements": []}
        )
        entry["involvements"].append(
            {
                "role": row.in_language("role"),
                "record": record,
                "signed": isinstance(row, Signatory),
            }
        )
    return sorted(people.values(), key=lambda e: str(e["person"] or e["organization"]).casefold())


@require_safe
@public_page
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.public().select_related("signed_place"),
        slug=slug,
    )
    partnership = with_partner_names(Partnership.objects.filter(pk=agreement.partnership_id)).get()
    signatories = list(naming_the_public(agreement.signatories.all()))
    citations = citations_of([agreement])
    return record_page(
        request,
        "agreement",
        agreement,
        ld.agreement_data(agreement, citations, request),
        partnership=partnership,
        signatories=signatories,
        citations=citations,
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
    participants = list(naming_the_public(meeting.participants.all()))
    citations = citations_of([meeting])
    return record_page(
        request,
        "meeting",
        meeting,
        ld.meeting_data(meeting, citations, request),
        # public() leaves only meetings of no partnership or of a published one.
        partnership=meeting.partnership,
        participants=participants,
        citations=citations,
    )


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
    return record_page(
        request,
        "project",
        project,
        ld.project_data(project, citations, request),
        partnership=project.partnership,
        citations=citations,
    )


CITY_PARTNERS_LISTED = 150  # more, and a city page lists its partners by country


def partner_countries(city: City) -> list[dict[str, Any]]:
    """How many published partners ``city`` has in each country, most first, each with the
    address of the browse page that lists them (its country pair), in two queries."""
    published = Partnership.objects.published()
    counts: dict[str, int] = defaultdict(int)
    for side, other in (("city_a", "city_b"), ("city_b", "city_a")):
        rows = (
            published.filter(**{side: city})
            .values_list(f"{other}__country")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for code, n in rows:
            counts[code or ""] += n
    browse = reverse("directory:partnership-list")
    own = city.country.code
    summary = []
    for code, n in counts.items():
        query = {"city": city.slug}
        if code and own:
            query["pair"] = "-".join(sorted((own, code)))
        summary.append(
            {
                "country": Country(code) if code else None,
                "count": n,
                "url": f"{browse}?{urlencode(query)}",
            }
        )
    summary.sort(
        key=lambda row: (-cast(int, row["count"]), str(getattr(row["country"], "name", "")))
    )
    return summary


@require_safe
@public_page
def city_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # django-stubs cannot type reverse relations by name; the tests check these at run time.
    names: Any = Prefetch("names", queryset=CityName.objects.order_by("language", "name"))
    memberships: Any = Prefetch(
        "memberships", queryset=NetworkMembership.objects.published().select_related("network")
    )
    try:
        city = get_object_or_404(
            City.objects.public()
            .select_related("parent")
            .prefetch_related(
                local_names(), local_names("parent__"), names, memberships, "other_wikidata_ids"
            ),
            slug=slug,
        )
    except Http404:
        return merged_page(City.objects.public(), slug)
    # A district's page leads to its city, when that city is public (issue 12).
    parent = city.parent if city.parent and City.objects.public_ids([city.parent.pk]) else None
    # The city's own partnerships and, apart, those of its districts (issue 12): one query
    # for the districts' ids, then one for all their partnerships (themes are not shown here:
    # with_partner_names, not published_partnerships).
    districts = list(City.objects.filter(parent=city).values_list("pk", flat=True))
    # A city with more partners than a page can list shows them by partner country, each
    # linking to the browse page (bench: 4,000 partners took 130 ms of CPU to list).
    own_count = Partnership.objects.published().involving(city).count()
    summary = partner_countries(city) if own_count > CITY_PARTNERS_LISTED else None
    found = list(
        with_partner_names(Partnership.objects.published())
        .select_related("city_a__parent", "city_b__parent")
        .involving_any(districts if summary is not None else [city.pk, *districts])
        .order_by("slug")
    )
    partnerships = [p for p in found if city.pk in (p.city_a_id, p.city_b_id)]
    through = [p for p in found if city.pk not in (p.city_a_id, p.city_b_id)]
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for partnership in partnerships:
        partner = partnership.city_b if partnership.city_a_id == city.pk else partnership.city_a
        by_country[partner.country.code].append({"partnership": partnership, "partner": partner})
    by_district: dict[int, dict[str, Any]] = {}
    for partnership in through:
        ours = partnership.city_a if partnership.city_a.parent_id == city.pk else None
        ours = ours or partnership.city_b
        partner = partnership.city_b if ours is partnership.city_a else partnership.city_a
        group = by_district.setdefault(ours.pk, {"district": ours, "entries": []})
        group["entries"].append({"partnership": partnership, "partner": partner})
    # A partner district names its city only when that city is public.
    partner_parents = {
        entry["partner"].parent_id
        for group in by_district.values()
        for entry in group["entries"]
        if entry["partner"].parent_id
    }
    public_parents = City.objects.public_ids(partner_parents) if partner_parents else set()
    for group in by_district.values():
        for entry in group["entries"]:
            entry["partner_city"] = (
                entry["partner"].parent if entry["partner"].parent_id in public_parents else None
            )
    district_groups = sorted(by_district.values(), key=lambda g: str(g["district"].name))
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
    return record_page(
        request,
        "city",
        city,
        ld.city_data(city, request),
        names=city.names_by_language(),
        partner_groups=groups,
        partner_summary=summary,
        partnership_count=own_count,
        district_groups=district_groups,
        district_partnership_count=len(through),
        parent_city=parent,
        meetings=list(meetings),
        projects=list(projects),
        has_records=bool(own_count) or bool(found) or bool(city.memberships.all()),
    )


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
    return record_page(
        request,
        "network",
        network,
        ld.network_data(network, [m for m in members if m.role == "member"], request),
        members=[m for m in members if m.role == "member"],
        roles=[m for m in members if m.role != "member"],
        projects=list(projects),
    )


# The country page: a summary and a table of its partnerships, ``COUNTRY_PAGE_SIZE`` rows a
# page, sorted by ``?sort=`` (one of COUNTRY_SORTS, "-" for descending).
COUNTRY_PAGE_SIZE = 50
COUNTRY_QUERY = QuerySpec(single=frozenset({"sort", "page"}))
COUNTRY_SORTS = ("city", "partner", "year")
PARTNER_COUNTRIES_SHOWN = 12


@require_safe
@public_page(query=COUNTRY_QUERY)
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return redirect("directory:country-detail", code=code.upper(), permanent=True)
    if code not in countries:
        raise Http404(_("%(code)s is not a known country code.") % {"code": code})
    sort = request.GET.get("sort", "city")
    if sort.removeprefix("-") not in COUNTRY_SORTS:
        raise BadRequest(
            _("%(sort)s is not a way to sort this table: use city, partner or year.")
            % {"sort": sort}
        )
    summary = cached("country", code, lambda: country_summary(code))
    oldest = None
    if summary["oldest"] is not None:
        oldest = with_partner_names(Partnership.objects.published()).filter(pk=summary["oldest"])
    # The table's order is computed once per read version, sort and language (ids only);
    # a page then loads its 50 rows by id. Sorting the rows themselves on every page took
    # 2.3 s for the United States' 33,689 partnerships at 200,000 (make bench).
    language = page_language()
    order = cached("country-order", (code, sort, language), lambda: country_order(code, sort))
    page = paginate(request, order, COUNTRY_PAGE_SIZE)
    shown = {
        record.pk: record
        for record in published_partnerships().filter(pk__in=list(page.object_list))
    }
    page.object_list = [shown[pk] for pk in page.object_list if pk in shown]
    kinds = dict(PartnershipKind.choices)
    partner_countries = sorted(
        (
            {"code": partner, "name": str(countries.name(partner)), "count": n}
            for partner, n in summary["partners"]
        ),
        key=lambda row: (-row["count"], row["name"]),
    )
    return render(
        request,
        "directory/country_detail.html",
        {
            "code": code,
            "name": countries.name(code),
            "cards_about": {code},  # each row names this country's city first
            "total": summary["total"],
            "partner_countries": partner_countries[:PARTNER_COUNTRIES_SHOWN],
            "more_partner_countries": partner_countries[PARTNER_COUNTRIES_SHOWN:],
            "partner_country_count": len(partner_countries),
            "kinds": [{"label": kinds.get(kind, kind), "count": n} for kind, n in summary["kinds"]],
            "oldest": list(oldest or []),
            "page": page,
            "sort": sort,
            "columns": sort_columns(sort),
        },
    )


def country_partnerships(code: str) -> PartnershipQuerySet:
    """The published partnerships with a city in the country."""
    return Partnership.objects.published().in_country_by_index(code)


def country_summary(code: str) -> dict[str, Any]:
    """A country's partnerships in figures (codes and ids, the same in every language):
    partner countries by number of partnerships, kinds, the oldest one. Counts come from the
    browse page's bitmaps when they are ready (an intersection: 3 ms for Germany at 200,000,
    where grouping its facet rows in the database took 0.8 s), else from the database."""
    published = country_partnerships(code)
    bitmaps = PartnershipFilter(data={}, queryset=Partnership.objects.published()).bitmaps()
    if bitmaps is not None:
        within = bitmaps.values.get("country", {}).get(code, BitMap())
        pairs: Iterable[tuple[str, int]] = bitmaps.counts("pair", within).items()
        kinds = sorted(bitmaps.counts("kind", within).items(), key=lambda kn: (-kn[1], kn[0]))
    else:
        pairs = (
            PartnershipFacet.objects.filter(
                facet="pair", record__in=published, value__contains=code
            )
            .values_list("value")
            .annotate(n=Count("pk"))
            .order_by()
        )
        kinds = list(published.values_list("kind").annotate(n=Count("pk")).order_by("-n", "kind"))
    partners: dict[str, int] = defaultdict(int)
    for pair, n in pairs:
        first, second = pair.split("-")
        partners[second if first == code else first] += n
    oldest = (
        published.filter(established__isnull=False)
        .order_by("established", "slug")
        .values_list("pk", flat=True)
        .first()
    )
    return {
        "total": sum(partners.values()),
        "partners": list(partners.items()),
        "kinds": kinds,
        "oldest": oldest,
    }


def shown_name(records: PartnershipQuerySet, side: str) -> PartnershipQuerySet:
    """``records`` with ``local_<side>``: the city at ``side``'s preferred name in the active
    language, to sort by its name as a page shows it (``Coalesce`` with the city's name). A
    join on the one preferred name per language, not a subquery per row."""
    local = f"local_{side}"
    condition = Q(**{f"{side}__names__language": page_language()}) & Q(
        **{f"{side}__names__is_preferred": True}
    )
    return records.annotate(**{local: FilteredRelation(f"{side}__names", condition=condition)})


def country_order(code: str, sort: str) -> list[int]:
    """The ids of the country's partnerships in the table's order (``sort``): by this
    country's city (the first of a domestic pair as the table shows it), by the partner
    city, or by the year they were established (undated ones last)."""
    ours_a = Q(city_a__country=code) & ~Q(city_b__country=code)
    ours_b = Q(city_b__country=code) & ~Q(city_a__country=code)
    records = shown_name(shown_name(country_partnerships(code), "city_a"), "city_b")
    records = records.annotate(
        name_a=Coalesce(F("local_city_a__name"), F("city_a__name")),
        name_b=Coalesce(F("local_city_b__name"), F("city_b__name")),
    ).annotate(
        own_name=Case(
            When(ours_a, then=F("name_a")),
            When(ours_b, then=F("name_b")),
            When(name_a__lte=F("name_b"), then=F("name_a")),
            default=F("name_b"),
        ),
        partner_name=Case(
            When(ours_a, then=F("name_b")),
            When(ours_b, then=F("name_a")),
            When(name_a__lte=F("name_b"), then=F("name_b")),
            default=F("name_a"),
        ),
    )
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key == "year":
        year = F("established")
        first = year.desc(nulls_last=True) if descending else year.asc(nulls_last=True)
        records = records.order_by(first, "own_name", "pk")
    else:
        column = {"city": "own_name", "partner": "partner_name"}[key]
        other = "partner_name" if column == "own_name" else "own_name"
        records = records.order_by(f"-{column}" if descending else column, other, "pk")
    return list(records.values_list("pk", flat=True))


def sort_columns(sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column, its state (``aria-sort``) and the sort its header links
    to: the other direction when it is the current one, else ascending."""
    columns = {}
    for key in COUNTRY_SORTS:
        if sort == key:
            columns[key] = {"aria_sort": "ascending", "link": f"-{key}"}
        elif sort == f"-{key}":
            columns[key] = {"aria_sort": "descending", "link": key}
        else:
            columns[key] = {"aria_sort": "", "link": key}
    return columns


@require_safe
@public_page
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person.objects.published(), slug=slug)
    positions = list(
        Position.objects.filter(
            person=person, organization__in=Organization.objects.published()
        ).select_related("organization")
    )
    meetings = (
        Meeting.objects.public()
        .filter(participants__person=person)
        .distinct()
        .order_by(F("date").desc(nulls_last=True))
    )
    agreements = Agreement.objects.public().filter(signatories__person=person).distinct()
    # The published partnerships of the agreements they signed and the meetings they attended,
    # each once however many of those it has.
    signed = Agreement.objects.public().filter(signatories__person=person)
    attended = Meeting.objects.public().filter(participants__person=person)
    partnerships = (
        published_partnerships()
        .filter(Q(pk__in=signed.values("partnership")) | Q(pk__in=attended.values("partnership")))
        .order_by("slug")
    )
    return record_page(
        request,
        "person",
        person,
        ld.person_data(person, positions, request),
        positions=positions,
        meetings=list(meetings),
        agreements=list(agreements),
        partnerships=list(partnerships),
        citations=citations_of([person]),
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
