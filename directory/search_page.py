"""The search page: one box over every kind of record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agreements.filters import MAX_QUERY_LENGTH
from cities.models import City
from cities.normalise import search_key
from common.overload import expensive
from publishing.page_cache import QuerySpec, public_page

from . import search as search_module
from .querysets import published_partnerships

SEARCH_QUERY = QuerySpec(single=frozenset({"q"}))


def searched(request: HttpRequest) -> bool:
    return bool(request.GET.get("q", "").strip())


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
