"""A reconciliation service for cities: the W3C Reconciliation Service API, version 0.2, as
OpenRefine speaks it (https://reconciliation-api.github.io/specs/0.2/).

``GET /api/reconcile/`` without ``queries`` is the service manifest. ``queries`` (in the
query string, or a POSTed form field, as OpenRefine sends it) is a JSON object of queries:

    {"q0": {"query": "Firenze", "limit": 3, "properties": [{"pid": "country", "v": "IT"}]}}

and the answer has, for each, its candidates: public cities whose name in any language or
script is the query (``cities.normalise.search_key``: "FIRENZE", "firenzé" and "فلورانس"
alike), or when none is, contains it; an exact name scores 100, another by its similarity.
The property ``country`` (or Wikidata's ``P17``: an ISO code or an English name) keeps
only the cities of that country. ``match`` is true for the one candidate whose name is
exactly the query when no other is.

It only reads: POST is the protocol's way of sending long batches, not a write, so it needs
no session, cookie or CSRF token (DRF's views are CSRF-exempt and this one authenticates
nobody), and it answers any origin (``Access-Control-Allow-Origin: *``). A query it cannot
read is a 400 with the reason; the API's rate limit applies. It is not in the OpenAPI schema:
the protocol is its own (a JSON document inside a form field), described by its manifest and
its W3C specification, which is what reconciliation clients read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from django_countries import countries
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.models import Partnership
from cities.models import City, CityName
from cities.normalise import name_lookup, search_key

MAX_QUERIES = 50
MAX_LIMIT = 25
DEFAULT_LIMIT = 5
MAX_QUERY_LENGTH = 200
# Names read per query when none is exact: the best of them by similarity are answered.
CANDIDATES = 200
CITY_TYPE = {"id": "city", "name": "City"}
COUNTRY_PROPERTIES = {"country", "p17"}
# The languages a country may be named in, besides its ISO code.
COUNTRY_LANGUAGES = ("en", "it", "fa", "vi")
# Distinct country names looked up per batch: each costs a scan of every country's name in
# every language (about 3 ms), so a 1 MB batch of names cost 80 s of CPU.
MAX_COUNTRY_NAMES = 20


def refuse(message: str) -> ParseError:
    return ParseError(message)  # a 400 with {"detail": message}


@dataclass(frozen=True)
class CityQuery:
    key: str
    limit: int
    countries: frozenset[str]  # empty: any country
    wrong_type: bool


def country_codes(
    value: Any, name: str, named: dict[str, set[str]], *, in_list: bool = False
) -> set[str]:
    """The ISO codes a property value names: "IT", "Italy", "Italia", a list of them, or an
    object with an "id" or "name". A value that names no country is no filter. A list in a
    list is refused: a deeply nested one would exhaust the stack."""
    if isinstance(value, list) and not in_list:
        return {code for item in value for code in country_codes(item, name, named, in_list=True)}
    if isinstance(value, dict):
        value = value.get("id") or value.get("name") or ""
    if isinstance(value, bool) or not isinstance(value, str):
        raise refuse(f'{name}: the value of "country" must be a country code or name.')
    text = value.strip()
    if len(text) == 2 and text.upper() in countries:
        return {text.upper()}
    if text not in named:  # ``named``: the names this batch looked up already
        if len(named) >= MAX_COUNTRY_NAMES:
            raise refuse(f"At most {MAX_COUNTRY_NAMES} different country names in a batch.")
        named[text] = set()
        for language in COUNTRY_LANGUAGES:
            found = countries.by_name(text, language=language) if len(text) <= 100 else ""
            if isinstance(found, str) and found:
                named[text] = {found}
                break
    return named[text]


def parse_query(name: str, raw: Any, named: dict[str, set[str]] | None = None) -> CityQuery:
    if not isinstance(raw, dict):
        raise refuse(f"{name}: a query must be a JSON object with a “query”.")
    text = raw.get("query")
    if not isinstance(text, str):
        raise refuse(f"{name}: “query” must be a string.")
    if len(text) > MAX_QUERY_LENGTH:
        raise refuse(f"{name}: “query” is longer than {MAX_QUERY_LENGTH} characters.")
    limit = raw.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise refuse(f"{name}: “limit” must be a whole number from 1 to {MAX_LIMIT}.")
    types = raw.get("type")
    if types is None:
        wanted: list[Any] = []
    elif isinstance(types, (str, dict)):
        wanted = [types]
    elif isinstance(types, list):
        wanted = types
    else:
        raise refuse(f"{name}: “type” must be a type id or a list of them.")
    ids = [item.get("id") if isinstance(item, dict) else item for item in wanted]
    if not all(isinstance(item, str) for item in ids):
        raise refuse(f"{name}: “type” must be a type id or a list of them.")
    properties = raw.get("properties", [])
    if not isinstance(properties, list):
        raise refuse(f"{name}: “properties” must be a list of {{“pid”, “v”}} objects.")
    codes: set[str] = set()
    named = {} if named is None else named
    for prop in properties:
        if not isinstance(prop, dict) or not isinstance(prop.get("pid"), str) or "v" not in prop:
            raise refuse(f"{name}: each property must be an object with “pid” and “v”.")
        if prop["pid"].strip().casefold() not in COUNTRY_PROPERTIES:
            raise refuse(f"{name}: unknown property “{prop['pid']}”: this service knows “country”.")
        codes |= country_codes(prop["v"], name, named)
    return CityQuery(
        key=search_key(text),
        limit=limit,
        countries=frozenset(codes),
        wrong_type=bool(ids) and CITY_TYPE["id"] not in ids,
    )


def parse_queries(raw: str) -> dict[str, CityQuery]:
    try:
        queries = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        raise refuse("“queries” is not valid JSON.") from None
    if not isinstance(queries, dict):
        raise refuse('“queries” must be a JSON object of queries, e.g. {"q0": {"query": …}}.')
    if len(queries) > MAX_QUERIES:
        raise refuse(f"At most {MAX_QUERIES} queries at once: {len(queries)} were sent.")
    named: dict[str, set[str]] = {}
    return {name: parse_query(name, query, named) for name, query in queries.items()}


def scores(query: CityQuery) -> tuple[dict[int, float], set[int]]:
    """The cities matching ``query``, each with its score, and which of them are public: 100
    when one of its names is the query; else, when no public city's is, those containing it,
    by similarity (so that "Florence" is not answered with every "Florenceville")."""
    cities = City.objects.all()
    names = CityName.objects.all()
    if query.countries:
        cities = cities.filter(country__in=query.countries)
        names = names.filter(city__country__in=query.countries)
    exact = cities.filter(
        Q(search_key=query.key) | Q(pk__in=names.filter(search_key=query.key).values("city_id"))
    ).values_list("pk", flat=True)
    found = dict.fromkeys(exact, 100.0)
    public = City.objects.public_ids(found)
    if public:
        return found, public
    lookup = name_lookup("search_key", query.key)
    matched = [
        *cities.filter(**lookup).order_by().values_list("pk", "search_key")[:CANDIDATES],
        *names.filter(**lookup).order_by().values_list("city_id", "search_key")[:CANDIDATES],
    ]
    for pk, key in matched:
        ratio = SequenceMatcher(None, query.key, key).ratio()
        found[pk] = max(found.get(pk, 0.0), min(99.0, round(100 * ratio, 1)))
    return found, City.objects.public_ids(found)


def candidates(query: CityQuery) -> list[dict[str, Any]]:
    if not query.key or query.wrong_type:
        return []
    found, public = scores(query)
    if not public:
        return []
    rows = City.objects.filter(pk__in=public).values_list(
        "pk", "slug", "name", "country", "subdivision", "population"
    )
    ranked = sorted(rows, key=lambda row: (-found[row[0]], -(row[5] or 0), row[2], row[0]))
    exact = [row for row in ranked if found[row[0]] == 100.0]
    return [
        {
            "id": slug,
            "name": name,
            "description": ", ".join(filter(None, (subdivision, countries.name(country)))),
            "score": found[pk],
            "match": len(exact) == 1 and exact[0][0] == pk,
            "type": [CITY_TYPE],
        }
        for pk, slug, name, country, subdivision, _population in ranked[: query.limit]
    ]


def manifest(request: HttpRequest) -> dict[str, Any]:
    cities = request.build_absolute_uri(reverse("directory:city-list"))
    service = request.build_absolute_uri(reverse("api:reconcile"))
    preview = request.build_absolute_uri(reverse("api:reconcile-preview"))
    return {
        "versions": ["0.2"],
        "name": "Twinning cities",
        "identifierSpace": cities,
        "schemaSpace": f"{service}#properties",
        "defaultTypes": [CITY_TYPE],
        "view": {"url": f"{cities}{{{{id}}}}/"},
        "preview": {"url": f"{preview}?id={{{{id}}}}", "width": 400, "height": 200},
    }


@extend_schema(exclude=True)
class ReconciliationService(APIView):
    """The manifest, or the candidates of a batch of queries (GET or POST)."""

    parser_classes = [FormParser]
    authentication_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        if "queries" not in request.query_params:
            return Response(manifest(request._request))
        return self.answer(request.query_params.getlist("queries"))

    def post(self, request: Request) -> Response:
        form: Any = request.data  # a QueryDict: FormParser is the only parser
        if "queries" not in form:
            raise refuse("Send the queries as the form field “queries”.")
        return self.answer(form.getlist("queries"))

    def answer(self, raw: list[str]) -> Response:
        if len(raw) != 1:
            raise refuse("Send “queries” once.")
        queries = parse_queries(raw[0])
        return Response({name: {"result": candidates(query)} for name, query in queries.items()})

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """A browser's preflight: any origin may GET or POST."""
        response = Response(status=204)
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


@require_safe
@xframe_options_exempt
def preview(request: HttpRequest) -> HttpResponse:
    """A public city in a few lines, for the reconciliation client's frame."""
    slug = request.GET.get("id", "")
    city = (
        City.objects.public()
        .filter(slug=slug if "\x00" not in slug else "")
        .only("name", "slug", "country", "subdivision", "population")
        .first()
    )
    if city is None:
        raise Http404("No public city has this id.")
    partnerships = Partnership.objects.public().involving(city).count()
    response = render(
        request, "api/reconcile_preview.html", {"city": city, "partnerships": partnerships}
    )
    # Shown inside the client's page: any page may frame it (it has nothing to click but
    # a link). The rest of the site refuses framing.
    response["Access-Control-Allow-Origin"] = "*"
    return response
