"""The faceted listings (partnerships, projects, cities) and their downloads."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import BadRequest
from django.core.paginator import Page
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_countries import countries

from agreements.filters import PartnershipFilter, ProjectFilter
from agreements.models import CulturalProject, Partnership, prefetch_themes, public_cities
from cities.filters import CityFilter
from cities.models import City, local_names
from common.overload import expensive
from publishing.caching import cached_count
from publishing.facets import FacetedFilterSet, Listing, ListingPaginator, clean_query
from publishing.page_cache import QuerySpec, public_page

from .exports import FORMATS, export_response
from .overview import city_sort, sorted_cities
from .querysets import published_partnerships

PAGE_SIZE = 20

# The query parameters each cached page reads (publishing/page_cache.py): any other is
# dropped from the request and from the cache key.
LISTING = ("page", "format")
PARTNERSHIP_QUERY = QuerySpec.of(PartnershipFilter, single=LISTING)
PROJECT_QUERY = QuerySpec.of(ProjectFilter, single=LISTING)
CITY_QUERY = QuerySpec.of(CityFilter, single=(*LISTING, "sort"))


def filtered(request: HttpRequest) -> bool:
    """A listing asked with a filter, a sort or a download (not just a page of it): work
    that the bitmaps alone do not answer (common/overload.py limits it)."""
    return any(name != "page" for name in request.GET)


def paginate(
    request: HttpRequest, records: Listing | QuerySet | list[Any], per_page: int = PAGE_SIZE
) -> Page:
    """The requested page of a listing (counts and pages from its bitmaps when it can), of
    a plain queryset or of a list; a malformed number is a 400, a page past the end a 404."""
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise BadRequest(_("The page number must be a whole number.")) from None
    if number < 1:
        raise BadRequest(_("The page number must be 1 or more."))
    if isinstance(records, Listing):
        paginator = records.paginator(per_page)
    else:
        paginator = ListingPaginator(records, per_page)
    if number > paginator.num_pages:
        raise Http404(
            _("There is no page %(number)d: there are %(pages)d.")
            % {"number": number, "pages": paginator.num_pages}
        )
    return paginator.page(number)


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
    if filterset.is_valid():
        listing = Listing(filterset)
        if fmt:
            return export_response(kind, fmt, listing.records(), request, listing.total())
        page = paginate(request, listing)
        facets = listing.facets()
        active = any(facet.selected for facet in facets)
        # A card puts first the side in the countries filtered by (directory.partnership_cards).
        countries = filterset.form.cleaned_data.get("country")
        context.update(page=page, facets=facets, active=active, errors=[])
        context.setdefault("cards_about", set(countries or ()))
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
@public_page(query=PARTNERSHIP_QUERY)
@expensive(when=filtered)
def partnership_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = PartnershipFilter(
        clean_query(request.GET), queryset=published_partnerships(), request=request
    )
    return browse(request, filterset, "directory/partnership_list.html", {}, "partnerships")


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
@public_page(query=CITY_QUERY)
@expensive(when=filtered)
def city_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    sort = city_sort(request)
    filterset = CityFilter(
        clean_query(request.GET),
        queryset=sorted_cities(public_cities().prefetch_related(local_names()), sort),
    )
    if not filterset.is_valid():
        raise BadRequest(
            " ".join(str(message) for messages in filterset.errors.values() for message in messages)
        )
    if fmt := export_format(request):
        return export_response("cities", fmt, filterset.qs, request, cached_count(filterset.qs))
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
            "sort": sort,
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
