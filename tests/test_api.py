"""The open API: the browse pages' filters and facets, published records only, documented."""

from typing import Any

import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from agreements.models import Theme

from .factories import (
    AgreementFactory,
    CityFactory,
    MeetingFactory,
    MembershipFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def pair(country_a: str, country_b: str, **fields: Any) -> Any:
    return PartnershipFactory(
        city_a=CityFactory(country=country_a), city_b=CityFactory(country=country_b), **fields
    )


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("endpoint", "slug"),
    [
        ("partnerships", "florence-isfahan"),
        ("agreements", "isfahan-florence-sister-city-pact"),
        ("meetings", "hanoi-chairman-receives-italian-ambassador-2022-09-20"),
        ("projects", "isfahan-florence-joint-music-project"),
        ("cities", "isfahan"),
        ("networks", "unesco-creative-cities-network"),
        ("themes", "music"),
    ],
)
def test_every_endpoint_lists_and_shows_records(client: Any, endpoint: str, slug: str) -> None:
    listing = client.get(f"{API}/{endpoint}/")
    assert listing.status_code == 200
    body = listing.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    assert slug in {row["slug"] for row in body["results"]}
    detail = client.get(f"{API}/{endpoint}/{slug}/")
    assert detail.status_code == 200 and detail.json()["slug"] == slug
    assert client.get(f"{API}/{endpoint}/no-such-record/").status_code == 404


@pytest.mark.usefixtures("seeded")
def test_a_partnership_in_the_api_carries_its_dates_at_their_precision(client: Any) -> None:
    body = client.get(f"{API}/partnerships/florence-isfahan/").json()
    assert body["established"] == {
        "date": "1998-01-01",
        "precision": "year",
        "iso": "1998",
        "as_written": "1377 SH",
    }
    assert body["city_a"]["country"] == "IR" and body["url"].endswith(
        "/partnerships/florence-isfahan/"
    )
    assert [step["status"] for step in body["status_history"]] == ["active", "dormant", "active"]
    assert body["agreements"][0]["signed"]["iso"] == "1998"
    assert any(c["source"]["language"] == "fa" for c in body["citations"])


QUERIES = [
    "",
    "country=IT",
    "country=IT&country=IR",
    "country=it&kind=friendship",
    "theme=music&decade=1990",
    "region=western-europe&status=active",
    "pair=DE-FR",
    "q=city&sort=-established",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_browse_query_string_gives_the_same_records_on_the_api(client: Any, query: str) -> None:
    music = Theme.objects.get(slug="music")
    for countries, kind, year in [
        (("IT", "IR"), "sister_city", 1998),
        (("IT", "FR"), "friendship", 1961),
        (("DE", "FR"), "sister_city", 1994),
        (("IT", "DE"), "friendship", 1990),
    ]:
        partnership = pair(*countries, kind=kind, established=f"{year}-01-01")
        if year >= 1990:
            partnership.themes.add(music)
    pair("IT", "FR", publication_state="draft")
    page = client.get(f"/partnerships/?{query}")
    api = client.get(f"{API}/partnerships/?{query}&page_size=500")
    assert page.status_code == api.status_code == 200
    page_slugs = [p.slug for p in page.context["page"].object_list]
    assert [row["slug"] for row in api.json()["results"]] == page_slugs
    page_facets = {
        facet.name: {o.value: o.count for o in facet.options} for facet in page.context["facets"]
    }
    api_facets = {
        name: {o["value"]: o["count"] for o in options}
        for name, options in api.json()["facets"].items()
    }
    assert api_facets == page_facets


def test_drafts_never_reach_the_api(client: Any) -> None:
    shown = PartnershipFactory()
    hidden = PartnershipFactory(publication_state="draft")
    AgreementFactory(partnership=shown, publication_state="draft", slug="draft-pact")
    MeetingFactory(partnership=shown, publication_state="in_review", slug="secret-meeting")
    ProjectFactory(publication_state="withdrawn", slug="withdrawn-project")
    MembershipFactory(publication_state="draft")
    text = (
        "".join(
            client.get(f"{API}/{endpoint}/").content.decode()
            for endpoint in ("partnerships", "agreements", "meetings", "projects", "networks")
        )
        + client.get(f"{API}/partnerships/{shown.slug}/").content.decode()
    )
    for secret in (hidden.slug, "draft-pact", "secret-meeting", "withdrawn-project"):
        assert secret not in text
    assert client.get(f"{API}/partnerships/{hidden.slug}/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("country=ZZ", "country"),
        ("decade=abc", "decade"),
        ("theme=<b>x</b>", "theme"),
        ("q=" + "x" * 300, "q"),
        ("sort=random", "sort"),
    ],
)
def test_bad_parameters_are_a_400_that_names_them(client: Any, query: str, field: str) -> None:
    response = client.get(f"{API}/partnerships/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_page_past_the_end_is_a_404(client: Any) -> None:
    assert client.get(f"{API}/partnerships/?page=9").status_code == 404


def test_anonymous_clients_are_rate_limited_with_a_clear_429(client: Any, settings: Any) -> None:
    from rest_framework.throttling import AnonRateThrottle

    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {"anon": "3/min"}
    try:
        statuses = [client.get(f"{API}/themes/").status_code for _ in range(4)]
        limited = client.get(f"{API}/themes/")
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "throttled" in limited.json()["detail"]


def test_the_openapi_schema_is_valid_and_documents_every_parameter_and_error() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    listing = schema["paths"]["/api/v1/partnerships/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    for name in ("country", "region", "theme", "kind", "status", "decade", "network", "pair", "q"):
        assert name in parameters, name
    assert parameters["country"]["schema"]["type"] == "array"
    assert "IT" in parameters["country"]["schema"]["items"]["enum"]
    assert {"200", "400", "404", "429"} <= set(listing["responses"])
    detail = schema["paths"]["/api/v1/partnerships/{slug}/"]["get"]
    assert {"200", "404", "429"} <= set(detail["responses"])


def test_the_schema_and_its_docs_are_served_from_installed_assets(client: Any) -> None:
    assert client.get("/api/schema/").status_code == 200
    response = client.get("/api/docs/")
    docs = response.content.decode()
    assert "swagger-ui" in docs
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["style-src"] == "'self' 'unsafe-inline'" and policy["script-src"] == "'self'"
    assert "cdn" not in docs.lower() and "https://" not in docs.split("<body")[0]


def test_list_endpoints_issue_a_constant_number_of_queries(client: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    urls = [f"{API}/{name}/" for name in ("partnerships", "projects", "meetings", "cities")]
    for _ in range(2):
        MeetingFactory().cities.add(CityFactory())
        ProjectFactory().cities.add(CityFactory())
    few = [queries(url) for url in urls]
    for _ in range(20):
        MeetingFactory().cities.add(CityFactory())
        ProjectFactory().cities.add(CityFactory())
    cache.clear()
    assert [queries(url) for url in urls] == few
