"""The pages around the records: the index of people, the pages that say what the directory
is, how its records are made and where its data come from, and the favicon's old address."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from agreements.models import Organization, Person, Position
from common.dates import PartialDate, Precision
from publishing.page_cache import QuerySpec, public_page

from .browse import paginate

PEOPLE_QUERY = QuerySpec(single=frozenset({"page"}))

# When the three seed articles were published (../shared/seeds/FACTS.md), written on the data
# page as the page's language writes a date.
SEED_ARTICLES = {
    "isfahan": PartialDate(datetime.date(2021, 6, 1), Precision.DAY),
    "hanoi": PartialDate(datetime.date(2022, 9, 20), Precision.DAY),
    "carrara": PartialDate(datetime.date(2021, 2, 24), Precision.DAY),
}


@require_safe
@public_page(query=PEOPLE_QUERY)
def person_list(request: HttpRequest) -> HttpResponse:
    """Published people by name, each with the posts they hold at published organisations."""
    positions = Position.objects.filter(
        organization__in=Organization.objects.published()
    ).select_related("organization")
    people = (
        Person.objects.published()
        .prefetch_related(Prefetch("positions", queryset=positions, to_attr="public_positions"))
        .order_by("name", "pk")
    )
    return render(request, "directory/person_list.html", {"page": paginate(request, people)})


@require_safe
@public_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


@require_safe
@public_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/methodology.html")


@require_safe
@public_page
def data(request: HttpRequest) -> HttpResponse:
    from agreements.unmatched import waiting_by_source
    from cities.models import Source

    waiting = waiting_by_source()
    titles = dict(Source.objects.filter(pk__in=waiting).values_list("pk", "title"))
    queue = sorted((titles[pk], n) for pk, n in waiting.items())
    return render(request, "pages/data.html", {"articles": SEED_ARTICLES, "waiting": queue})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG. Not a
    permanent redirect, since the static file's hashed name changes with its content."""
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
