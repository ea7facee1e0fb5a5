"""The public list of cities seeking partners, faceted as the browse pages, and one call's page."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agreements.models import prefetch_themes
from cities.models import City, local_names
from publishing.facets import Listing, clean_query
from publishing.page_cache import QuerySpec, public_page

from .filters import PartnerSearchFilter
from .models import PartnerSearch

PAGE_SIZE = 20
LIST_QUERY = QuerySpec.of(PartnerSearchFilter, single=("page",))


def public_searches() -> QuerySet[PartnerSearch]:
    return (
        PartnerSearch.objects.public()
        .select_related("city")
        .prefetch_related(prefetch_themes(), local_names("city__"))
        .order_by("ends", "pk")
    )


def mark_public_cities(searches: list[PartnerSearch]) -> None:
    """Whether each call's city has a page of its own (``City.objects.public``): a city
    named by no public record and no gazetteer entry has none, and is not linked."""
    ids = {search.city_id for search in searches}
    public = set(City.objects.public().filter(pk__in=ids).values_list("pk", flat=True))
    for search in searches:
        search.city_is_public = search.city_id in public  # type: ignore[attr-defined]


def page_of(request: HttpRequest, listing: Listing) -> Page:
    raw = request.GET.get("page", "1")
    # At most 18 digits: int() of more than 4300 is a ValueError, a 500.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or int(raw) < 1:
        raise BadRequest(_("The page number must be a whole number, 1 or more."))
    paginator = listing.paginator(PAGE_SIZE)
    number = int(raw)
    if number > paginator.num_pages:
        raise Http404(
            _("There is no page %(number)d: there are %(pages)d.")
            % {"number": number, "pages": paginator.num_pages}
        )
    return paginator.page(number)


@require_safe
@public_page(query=LIST_QUERY)
def search_list(request: HttpRequest) -> HttpResponse:
    """Calls that run today, with facets; with htmx only the form's region."""
    filterset = PartnerSearchFilter(clean_query(request.GET), queryset=public_searches())
    status = 200
    context: dict[str, object] = {"filterset": filterset, "query": request.GET.urlencode()}
    if filterset.is_valid():
        listing = Listing(filterset)
        facets = listing.facets()
        page = page_of(request, listing)
        page.object_list = list(page.object_list)
        mark_public_cities(page.object_list)
        context.update(
            page=page,
            facets=facets,
            active=any(facet.selected for facet in facets),
            errors=[],
        )
    else:
        status = 400
        context.update(
            page=None,
            facets=[],
            errors=[
                f"{filterset.form.fields[name].label}: {message}"
                for name, messages in filterset.errors.items()
                for message in messages
            ],
        )
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    name = "seeking/search_list_results.html" if partial else "seeking/search_list.html"
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@public_page
def search_detail(request: HttpRequest, slug: str) -> HttpResponse:
    search = get_object_or_404(
        PartnerSearch.objects.public()
        .select_related("city")
        .prefetch_related(prefetch_themes(), local_names("city__")),
        slug=slug,
    )
    mark_public_cities([search])
    return render(request, "seeking/search_detail.html", {"search": search})


@require_safe
def search_by_number(request: HttpRequest, pk: int) -> HttpResponse:
    """The first address of a call, by its number: a 301 to its page while it is public,
    the same 404 as for nothing otherwise (a draft's number says nothing)."""
    if pk > 2**63 - 1:
        raise Http404
    slug = PartnerSearch.objects.public().filter(pk=pk).values_list("slug", flat=True).first()
    if slug is None:
        raise Http404
    url = reverse("seeking:search-detail", args=[slug])
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(url)


def city_searches(city: City) -> list[PartnerSearch]:
    """The calls a city runs today (its page links to them)."""
    return list(PartnerSearch.objects.public().of_city(city).order_by("ends", "pk"))
