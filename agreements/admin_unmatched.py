"""The unmatched places queue in the admin (``agreements.unmatched``): curators only.

A decision creates cities and imports rows of any country, published when their import was:
a curator's work, like the bulk import itself. City editors do not see the queue; they add
their cities' partnerships one by one.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from functools import cache
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cities.models import City
from cities.normalise import search_key
from editors.access import is_curator

from .unmatched import resolve
from .unmatched_models import PlaceStatus, UnmatchedPlace, WaitingRow

NEARBY_KM = 30.0
PREVIEW = 240.0  # the map preview's size in pixels


def candidates(place: UnmatchedPlace, query: str = "") -> list[dict[str, Any]]:
    """Directory cities (the gazetteer's included) that the place may be: by name in its
    country (or the curator's search), and near the file's coordinates."""
    from .importing import distance_km

    name = query.strip() or place.name
    key = search_key(name)
    within = City.objects.filter(country=place.country)
    found: dict[int, City] = {}
    if key:
        first = key.split()[0][:4]
        by_name = within.filter(
            Q(search_key__startswith=first) | Q(names__search_key__startswith=first)
        ).distinct()
        if query.strip():
            by_name = City.objects.filter(
                Q(search_key__contains=key) | Q(names__search_key__contains=key)
            ).distinct()
        for city in by_name.order_by("-population")[:200]:
            found[city.pk] = city
    point = None
    if place.latitude is not None and place.longitude is not None:
        point = (float(place.latitude), float(place.longitude))
        box = Decimal("0.5")
        for city in within.filter(
            latitude__range=(place.latitude - box, place.latitude + box),
            longitude__range=(place.longitude - box, place.longitude + box),
        )[:200]:
            found[city.pk] = city
    from difflib import SequenceMatcher

    rows: list[dict[str, Any]] = []
    for city in found.values():
        gap = None
        if point and city.latitude is not None and city.longitude is not None:
            gap = distance_km(point, (float(city.latitude), float(city.longitude)))
        likeness = SequenceMatcher(None, key, city.search_key).ratio()
        if not query.strip() and likeness < 0.6 and (gap is None or gap > NEARBY_KM):
            continue
        rows.append({"city": city, "km": gap, "likeness": likeness})
    rows.sort(key=lambda r: (-r["likeness"], r["km"] if r["km"] is not None else 1e9))
    rows = rows[:15]
    for row in rows:
        # A city with namesakes in its country: its match form asks for a check first.
        city = row["city"]
        row["described"] = described(city)
        row["namesakes"] = len(namesakes(city.name, city.country, exclude=city.pk))
    return rows


@cache
def gazetteer_by_country() -> dict[str, list[dict[str, Any]]]:
    """GeoNames' cities500 by country, read once per process (it takes seconds): the towns
    the directory does not hold yet, that a place may be created from."""
    from cities.gazetteer import load_geonames

    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in load_geonames("cities500"):
        entry["key"] = search_key(entry["name"])
        by_country[entry["countrycode"]].append(entry)
    return by_country


def gazetteer_candidates(place: UnmatchedPlace, query: str = "") -> list[dict[str, Any]]:
    """Entries of the gazetteer, not yet cities of the directory, named like the place."""
    from difflib import SequenceMatcher

    key = search_key(query.strip() or place.name)
    if not key:
        return []
    found = [
        (SequenceMatcher(None, key, entry["key"]).ratio(), entry)
        for entry in gazetteer_by_country().get(place.country.code, [])
        if entry["key"][:1] == key[:1]
    ]
    found = [pair for pair in found if pair[0] >= 0.75]
    held = set(
        City.objects.filter(geonames_id__in=[e["geonameid"] for _, e in found]).values_list(
            "geonames_id", flat=True
        )
    )
    found.sort(key=lambda pair: (-pair[0], -pair[1]["population"]))
    return [entry for _, entry in found if entry["geonameid"] not in held][:10]


def create_from_gazetteer(place: UnmatchedPlace, geonames_id: int) -> City | None:
    """The gazetteer's entry loaded as a city (names and all), as ``import_cities`` would."""
    from cities.gazetteer import Gazetteer

    entries = [
        e
        for e in gazetteer_by_country().get(place.country.code, [])
        if e["geonameid"] == geonames_id
    ]
    if not entries:
        return None
    Gazetteer(entries).load()
    return City.objects.filter(geonames_id=geonames_id).first()


def preview(place: UnmatchedPlace, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A small map, drawn on the server: the file's point and the located candidates, in a
    box around them (degrees, longitude scaled by the latitude)."""
    import math

    points = []
    if place.latitude is not None and place.longitude is not None:
        points.append((float(place.latitude), float(place.longitude), place.name, "file"))
    for row in rows:
        city = row["city"]
        if city.latitude is not None and city.longitude is not None:
            points.append((float(city.latitude), float(city.longitude), city.name, "city"))
    if not points:
        return None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    middle = (max(lats) + min(lats)) / 2
    stretch = max(math.cos(math.radians(middle)), 0.2)
    span = max(max(lats) - min(lats), (max(lons) - min(lons)) * stretch, 0.2) * 1.2
    top, left = (max(lats) + min(lats) + span) / 2, (max(lons) + min(lons)) / 2 - span / stretch / 2
    dots = [
        {
            "x": round((lon - left) * stretch / span * PREVIEW, 1),
            "y": round((top - lat) / span * PREVIEW, 1),
            "name": name,
            "kind": kind,
        }
        for lat, lon, name, kind in points
    ]
    return {"size": PREVIEW, "dots": dots, "km": round(span * 111)}


def namesakes(name: str, country: Any, exclude: int | None = None) -> list[City]:
    """The directory's cities of ``country`` called ``name`` (as its name or another of its
    names, compared as search keys): Frankfurt am Main and Frankfurt (Oder), the three
    Neustadts. Matching to one of several, or creating another, needs a look first."""
    key = search_key(name)
    if not key:
        return []
    found = (
        City.objects.filter(country=country)
        .filter(Q(search_key=key) | Q(names__search_key=key))
        .distinct()
        .order_by("-population", "pk")
    )
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return list(found[:20])


def described(city: City) -> str:
    """A city told apart from its namesakes: its region and coordinates."""
    parts = [city.name]
    if city.subdivision:
        parts.append(city.subdivision)
    if city.latitude is not None and city.longitude is not None:
        parts.append(f"{float(city.latitude):.2f}, {float(city.longitude):.2f}")
    if city.population:
        parts.append(_("population %(count)s") % {"count": f"{city.population:,}"})
    return " · ".join(parts)


def is_number(text: str) -> bool:
    """Digits 0-9, as a key or a GeoNames id is written: str.isdigit() also takes "²", which
    int() refuses, and int() refuses more than 4300 digits (both a 500)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


@admin.register(UnmatchedPlace)
class UnmatchedPlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "source", "rows_waiting", "status"]
    list_filter = ["status", "source", "country"]
    search_fields = ["name", "parent"]
    ordering = ["-rows_waiting", "name"]
    list_select_related = ["source"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_curator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<int:object_id>/decide/", decide, name="agreements_unmatchedplace_decide"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not is_curator(request.user):
            raise PermissionDenied
        if not is_number(object_id):
            return HttpResponse(_("No such place."), status=404)
        place = get_object_or_404(UnmatchedPlace.objects.select_related("source"), pk=object_id)
        query = request.GET.get("q", "")[:200]
        rows = candidates(place, query)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Match %(name)s") % {"name": place.name},
            "place": place,
            "query": query,
            "candidates": rows,
            "gazetteer": gazetteer_candidates(place, query),
            "map": preview(place, rows),
            "waiting_rows": WaitingRow.objects.filter(places=place).order_by("line")[:50],
            "same_name": [described(city) for city in namesakes(place.name, place.country)],
            "decided": place.status != PlaceStatus.WAITING,
            "decide_url": reverse("admin:agreements_unmatchedplace_decide", args=[place.pk]),
        }
        return TemplateResponse(request, "admin/unmatched/place.html", context)

    def decide_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One decision, in one transaction with the place locked: a second curator's (or a
        double click's) finds it decided, and no city it would have created is left over."""
        if not is_curator(request.user):
            raise PermissionDenied
        try:
            with transaction.atomic():
                return self.decide(request, object_id)
        except ValueError:
            # resolve() found the place decided meanwhile (a database without row locks).
            if UnmatchedPlace.objects.filter(pk=object_id, status=PlaceStatus.WAITING).exists():
                raise
            messages.error(request, _("This place has been decided already."))
            return HttpResponseRedirect(
                reverse("admin:agreements_unmatchedplace_change", args=[object_id])
            )

    def decide(self, request: HttpRequest, object_id: int) -> HttpResponse:
        place = get_object_or_404(UnmatchedPlace.objects.select_for_update(), pk=object_id)
        back = reverse("admin:agreements_unmatchedplace_change", args=[place.pk])
        if place.status != PlaceStatus.WAITING:
            messages.error(request, _("This place has been decided already."))
            return HttpResponseRedirect(back)
        action = request.POST.get("action", "")
        city: City | None = None
        if action == "match":
            raw = request.POST.get("city", "")
            city = City.objects.filter(pk=int(raw)).first() if is_number(raw) else None
            if city is None:
                return HttpResponse(_("Choose a city to match the place to."), status=400)
            others = namesakes(city.name, city.country, exclude=city.pk)
            if others and request.POST.get("namesake") != "yes":
                return HttpResponse(
                    _(
                        "%(city)s has namesakes in %(country)s: %(others)s. Check which one "
                        "the file means, tick the box beside it and match again."
                    )
                    % {
                        "city": described(city),
                        "country": city.country.name,
                        "others": "; ".join(described(other) for other in others),
                    },
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
            status = PlaceStatus.MATCHED
        elif action == "gazetteer":
            raw = request.POST.get("geonames", "")
            city = create_from_gazetteer(place, int(raw)) if is_number(raw) else None
            if city is None:
                return HttpResponse(_("Choose an entry of the gazetteer."), status=400)
            status = PlaceStatus.CREATED
        elif action == "create":
            if request.POST.get("confirm") != "yes":
                return HttpResponse(
                    _("Confirm that the place is a city of its own as the file writes it."),
                    status=400,
                )
            existing = namesakes(place.name, place.country)
            if existing and request.POST.get("namesake") != "yes":
                return HttpResponse(
                    _(
                        "The directory already has %(cities)s in %(country)s. Match the place "
                        "to one of them, or confirm that it is another place of that name."
                    )
                    % {
                        "cities": "; ".join(described(city) for city in existing),
                        "country": place.country.name,
                    },
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
            city = create_as_written(place)
            status = PlaceStatus.CREATED
        elif action == "reject":
            status = PlaceStatus.REJECTED
        else:
            return HttpResponse(_("Unknown action."), status=400)
        reports = resolve(place, status, city, request.user)
        imported = sum(r.counts["imported"] + r.counts["merged"] for r in reports)
        rejected = sum(r.counts["rejected"] for r in reports)
        messages.success(
            request,
            _("%(place)s: %(status)s. Rows imported now: %(imported)d; rejected: %(rejected)d.")
            % {
                "place": place.name,
                "status": PlaceStatus(status).label,
                "imported": imported,
                "rejected": rejected,
            },
        )
        return HttpResponseRedirect(back)


def create_as_written(place: UnmatchedPlace) -> City:
    """A city of the place's name and country, at the file's coordinates: a curator said so."""
    base = slugify(place.name)[:180] or "city"
    slug, n = base, 1
    while City.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{place.country.code.lower()}" + (f"-{n}" if n > 2 else "")
    city = City(
        name=place.name,
        slug=slug,
        country=place.country,
        level=place.level,
        latitude=place.latitude,
        longitude=place.longitude,
    )
    city.refresh_search_key()
    city.save()
    return city
