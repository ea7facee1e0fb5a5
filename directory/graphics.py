"""Pictures of the directory: the maps (SVG overlays on a base map) and the charts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agreements.filters import PartnershipFilter, _decade_label
from agreements.models import NOT_STATED, Partnership
from cities.models import City, local_names
from common.overload import expensive
from publishing.facets import Listing, clean_query
from publishing.page_cache import QuerySpec, public_page

from . import charts
from .maps import Link, Place, overlay_svg, world_svg
from .querysets import with_partner_names

PARTNERSHIP_FILTERS = QuerySpec.of(PartnershipFilter)


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
    listing = Listing(filterset)
    drawable = listing.records().filter(
        city_a__latitude__isnull=False, city_b__latitude__isnull=False
    )
    shown = list(drawable[:MAP_LIMIT])
    places, links = places_and_links(shown)
    title = _("%(shown)d of %(total)d partnerships drawn, between %(places)d cities") % {
        "shown": len(links),
        "total": listing.total(),
        "places": len(places),
    }
    return svg_response(overlay_svg(links, places, title))


@require_safe
@public_page
def partnership_detail_map(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(with_partner_names(Partnership.objects.published()), slug=slug)
    places, links = places_and_links([partnership])
    title = f"{partnership.city_a.display_name} – {partnership.city_b.display_name}"
    return svg_response(overlay_svg(links, places, title))


@require_safe
@public_page
def city_map(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(City.objects.public().prefetch_related(local_names()), slug=slug)
    partnerships = with_partner_names(Partnership.objects.published().involving(city))
    places, links = places_and_links(partnerships[:MAP_LIMIT])
    return svg_response(overlay_svg(links, places, city.display_name))


@dataclass(frozen=True)
class SizedBar(charts.Bar):
    """A bar with its length in percent of the longest one's.

    The charts are drawn in HTML rather than as one SVG scaled to the screen, so that their
    text keeps its size on a phone and follows the page's direction; each bar is a small SVG
    as wide as this share of its row (the Content-Security-Policy allows no inline style).
    """

    percent: float


def sized(chart: charts.BarChart) -> charts.BarChart:
    largest = max((bar.value for bar in chart.bars), default=0) or 1
    bars: list[charts.Bar] = [
        SizedBar(**asdict(bar), percent=100 * bar.value / largest) for bar in chart.bars
    ]
    return replace(chart, bars=bars)


def decades(records: QuerySet[Partnership], rtl: bool) -> charts.BarChart:
    """Partnerships established per decade, oldest first, each decade named as its facet on
    the browse page names it: in the page's digits ("دههٔ ۱۹۹۰")."""
    counts = charts.facet_values(records, "decade")
    unknown = counts.pop(NOT_STATED, 0)
    rows = [(_decade_label(int(decade)), counts[decade]) for decade in sorted(counts, key=int)]
    if unknown:  # last, so that the bars add up to the partnerships listed
        rows.append((_("not stated by the sources"), unknown))
    return sized(charts.bar_chart(rows, rtl))


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
    listing = Listing(filterset)
    records = listing.records()
    return render(
        request,
        "directory/partnership_charts.html",
        {
            "filterset": filterset,
            "total": listing.total(),
            "decades": decades(records, rtl),
            "cities": sized(charts.most_connected_cities(records, rtl)),
            "pairs": charts.country_pairs(records),
            "query": request.GET.urlencode(),
        },
    )
