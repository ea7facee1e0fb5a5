"""Pictures of the directory: the maps (SVG overlays on a base map) and the charts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from agreements.filters import PartnershipFilter, _decade_label
from agreements.models import NOT_STATED, Partnership
from cities.models import City, local_names
from common.formats import number
from common.overload import expensive
from publishing.facets import Listing, clean_query
from publishing.page_cache import QuerySpec, public_page

from . import charts
from .maps import Link, Place, overlay_svg, world_geojson, world_svg
from .querysets import with_partner_names

PARTNERSHIP_FILTERS = QuerySpec.of(PartnershipFilter)


MAP_LIMIT = 300
# The interactive map clusters its points, so it can carry more of a listing than the poster.
INTERACTIVE_LIMIT = 1000


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


def drawable(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    return partnerships.filter(city_a__latitude__isnull=False, city_b__latitude__isnull=False)


def map_caption(shown: int, total: int) -> str:
    """What the map shows, in the page's digits: "300 of 5,457 partnerships shown"."""
    if not shown and total:
        return ngettext(
            "This partnership is not on the map: the coordinates of its cities are not known.",
            "None of these %(total)s partnerships is on the map: the coordinates of their "
            "cities are not known.",
            total,
        ) % {"total": number(total)}
    if shown < total:
        return ngettext(
            "%(shown)s of %(total)s partnership shown on the map",
            "%(shown)s of %(total)s partnerships shown on the map",
            total,
        ) % {"shown": number(shown), "total": number(total)}
    return ngettext(
        "%(total)s partnership shown on the map", "%(total)s partnerships shown on the map", total
    ) % {"total": number(total)}


def map_data(
    partnerships: Iterable[Partnership], total: int, focus: City | None = None
) -> JsonResponse:
    """The interactive map's points (cities, each linking to its page, the page's own city
    marked ``focus``), lines (partnerships, each linking to its page), caption and legend, for
    ``static/js/map.js``. Only what the public may see: callers pass published partnerships,
    whose cities are public by definition (``City.objects.public``)."""
    cities: dict[int, dict[str, Any]] = {}
    counts: dict[int, int] = {}
    links: list[dict[str, Any]] = []
    for partnership in partnerships:
        ends = []
        for city in partnership.cities:
            if city.latitude is None or city.longitude is None:
                continue
            if city.pk not in cities:
                cities[city.pk] = {
                    "name": city.display_name,
                    "lat": round(float(city.latitude), 4),
                    "lon": round(float(city.longitude), 4),
                    "url": city.get_absolute_url(),
                    "focus": focus is not None and city.pk == focus.pk,
                }
            counts[city.pk] = counts.get(city.pk, 0) + 1
            ends.append(city.pk)
        if len(ends) == 2:
            links.append(
                {
                    "a": ends[0],
                    "b": ends[1],
                    "url": partnership.get_absolute_url(),
                    "label": f"{partnership.city_a.display_name} – "
                    f"{partnership.city_b.display_name}",
                }
            )
    index = {pk: n for n, pk in enumerate(cities)}
    for pk, point in cities.items():
        point["label"] = ngettext(
            "%(name)s: %(count)s partnership on the map",
            "%(name)s: %(count)s partnerships on the map",
            counts[pk],
        ) % {"name": point["name"], "count": number(counts[pk])}
    for link in links:
        link["a"], link["b"] = index[link["a"]], index[link["b"]]
    legend = []
    if focus is not None:
        legend.append({"kind": "focus", "label": _("This city")})
    legend += [
        {"kind": "city", "label": _("A city: select it to open its page")},
        {"kind": "cluster", "label": _("Several cities close together: select to zoom in")},
        {"kind": "link", "label": _("A partnership: select it to open its page")},
    ]
    data = {
        "shown": len(links),
        "total": total,
        "capped": len(links) < total,
        "caption": map_caption(len(links), total),
        "cities": list(cities.values()),
        "links": links,
        "legend": legend,
        "labels": {
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            # %s: a number of cities, written by the browser in the page's digits
            "cluster": _("%s cities close together: select to zoom in"),
            "region": _("Interactive map: drag to pan, use the buttons or + and − to zoom"),
        },
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def world_map_data(request: HttpRequest) -> HttpResponse:
    """The base layer of the interactive map: the same countries, as GeoJSON."""
    response = HttpResponse(world_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@public_page(query=PARTNERSHIP_FILTERS)
@expensive
def partnership_map_data(request: HttpRequest) -> HttpResponse:
    """The partnerships of a browse URL for the interactive map, at most INTERACTIVE_LIMIT."""
    filterset = PartnershipFilter(
        clean_query(request.GET), queryset=with_partner_names(Partnership.objects.published())
    )
    if not filterset.is_valid():
        raise BadRequest(_("Some filters could not be understood"))
    listing = Listing(filterset)
    shown = list(drawable(listing.records())[:INTERACTIVE_LIMIT])
    return map_data(shown, listing.total())


@require_safe
@public_page
def partnership_detail_map_data(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = get_object_or_404(with_partner_names(Partnership.objects.published()), slug=slug)
    return map_data([partnership], 1)


@require_safe
@public_page
def city_map_data(request: HttpRequest, slug: str) -> HttpResponse:
    city = get_object_or_404(City.objects.public().prefetch_related(local_names()), slug=slug)
    partnerships = with_partner_names(Partnership.objects.published().involving(city))
    shown = list(drawable(partnerships)[:INTERACTIVE_LIMIT])
    return map_data(shown, partnerships.count(), focus=city)


@dataclass(frozen=True)
class SizedBar(charts.Bar):
    """A bar with its length in percent of the longest one's.

    The charts are drawn in HTML rather than as one SVG scaled to the screen, so that their
    text keeps its size on a phone and follows the page's direction; each bar is a small SVG
    as wide as this share of its row (the Content-Security-Policy allows no inline style).
    """

    percent: float
    # A row counted but not drawn to scale: "not stated" (17,554 of 21,192 real partnerships)
    # would shrink every decade to a sliver.
    apart: bool = False


def sized(chart: charts.BarChart, apart: int = 0) -> charts.BarChart:
    """The bars with their lengths; the last ``apart`` rows are given as numbers only."""
    drawn = len(chart.bars) - apart
    largest = max((bar.value for bar in chart.bars[:drawn]), default=0) or 1
    bars: list[charts.Bar] = [
        SizedBar(**asdict(bar), percent=100 * bar.value / largest, apart=n >= drawn)
        for n, bar in enumerate(chart.bars)
    ]
    return replace(chart, bars=bars)


def decades(records: QuerySet[Partnership], rtl: bool) -> charts.BarChart:
    """Partnerships established per decade, oldest first, each decade named as its facet on
    the browse page names it: in the page's digits ("دههٔ ۱۹۹۰")."""
    counts = charts.facet_values(records, "decade")
    unknown = counts.pop(NOT_STATED, 0)
    rows = [(_decade_label(int(decade)), counts[decade]) for decade in sorted(counts, key=int)]
    if unknown:  # last, so that the rows add up to the partnerships listed; not to scale
        rows.append((_("not stated by the sources"), unknown))
    return sized(charts.bar_chart(rows, rtl), apart=1 if unknown else 0)


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
