"""Whole public pages cached under the content version: a page nobody changed is served
from the cache, and any change to the records retires every cached page at once.

A page is keyed by its *canonical* query, not by the address asked: parameters the view does
not read are dropped, values are stripped, repeated facet values deduplicated (and sorted
in the key), country codes upper-cased, ``page=1`` omitted. The view then sees that canonical
query too (``request.GET`` and the query string), so what is cached never depends on the extra
parameters of the first visitor, and ``?x=<random>`` cannot make a page that costs seconds
be computed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import translation

from .models import read_version

TIMEOUT = 60 * 60
KEPT_HEADERS = (
    "Content-Type",
    "Vary",
    "Cache-Control",
    "Content-Disposition",
    "Content-Language",
    "X-Robots-Tag",
    "Last-Modified",
)


@dataclass(frozen=True)
class QuerySpec:
    """The query parameters a view reads: ``single`` ones (the last value counts, as with
    ``request.GET.get``), ``multiple`` ones (a set of values), and which of them are
    compared in upper case (country codes)."""

    single: frozenset[str] = field(default_factory=frozenset)
    multiple: frozenset[str] = field(default_factory=frozenset)
    upper: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls,
        filterset: Any = None,
        single: Iterable[str] = (),
        multiple: Iterable[str] = (),
    ) -> QuerySpec:
        """The parameters of a FilterSet class (multiple-choice filters are sets), plus more."""
        singles, multiples, upper = set(single), set(multiple), set()
        for name, filter_ in getattr(filterset, "base_filters", {}).items():
            if issubclass(filter_.field_class, forms.MultipleChoiceField):
                multiples.add(name)
            else:
                singles.add(name)
            if name in ("country", "pair"):
                upper.add(name)
        return cls(frozenset(singles), frozenset(multiples), frozenset(upper))

    def canonical(self, query: QueryDict) -> QueryDict:
        """The query as the view understands it, in the order asked; a value no view could
        use is a 400."""
        result = QueryDict(mutable=True)
        known = self.single | self.multiple
        for name in dict.fromkeys(query):
            if name not in known:
                continue
            values = [value.strip() for value in query.getlist(name) if value.strip()]
            if not values:
                continue
            if any("\x00" in value for value in values):
                raise BadRequest("A query parameter holds a NUL character.")
            if name in self.upper:
                values = [value.upper() for value in values]
            if name in self.multiple:
                result.setlist(name, list(dict.fromkeys(values)))
                continue
            value = values[-1]
            if name == "page" and value.isascii() and value.isdigit():
                # Leading zeros dropped as int() would, without converting: a number of
                # more than 4300 digits is a ValueError (a 500) for int().
                value = value.lstrip("0") or "0"
                if value == "1":
                    continue
            result[name] = value
        result._mutable = False
        return result


def cache_form(query: QueryDict) -> str:
    """The canonical query with its parameters and a facet's values in sorted order: the
    same filters asked in another order share one cache entry."""
    return repr(sorted((name, sorted(values)) for name, values in query.lists()))


NO_QUERY = QuerySpec()


def canonicalise(request: HttpRequest, spec: QuerySpec) -> None:
    """Make the request carry its canonical query only (``request.GET``, the query string)."""
    query = spec.canonical(request.GET)
    request.GET = query  # type: ignore[assignment]  # immutable, as canonical() leaves it
    request.META["QUERY_STRING"] = query.urlencode()


def public_page(view: Callable[..., Any] | None = None, *, query: QuerySpec = NO_QUERY) -> Any:
    """Cache a GET view's 200 responses by canonical address, language, htmx request and day
    (pages carry the access date of their citation), under the content version.

    ``@public_page`` for a page that reads no parameter; ``@public_page(query=...)`` names
    those it reads.
    """
    if view is None:
        return lambda view: public_page(view, query=query)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        canonicalise(request, query)
        if not settings.PUBLIC_PAGE_CACHE or "format" in request.GET:
            return view(request, *args, **kwargs)
        parts = (
            request.build_absolute_uri(request.path),
            cache_form(request.GET),
            translation.get_language(),
            request.headers.get("HX-Request", "") == "true",
            request.headers.get("HX-History-Restore-Request", "") == "true",
        )
        digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
        key = f"twinning:page:{read_version()}:{digest}"  # the records and the day
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            cache.set(key, (response.content, headers), TIMEOUT)
        return response

    return wrapper
