"""The reconciliation service for cities (W3C Reconciliation Service API 0.2, OpenRefine)."""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from api.reconcile import MAX_QUERIES
from publishing.publication import PublicationState

from .factories import CityFactory, CityNameFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

SERVICE = "/api/reconcile/"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def florence() -> Any:
    city = CityFactory(
        name="Florence", slug="florence", country="IT", subdivision="Tuscany",
        geonames_id=3176959, population=349296,
    )  # fmt: skip
    CityNameFactory(city=city, name="Firenze", language="it", is_preferred=True)
    CityNameFactory(city=city, name="فلورانس", language="fa", is_preferred=True)
    return city


@pytest.fixture
def namesakes() -> list[Any]:
    """Two public towns named Florence elsewhere (gazetteer places)."""
    return [
        CityFactory(name="Florence", slug="florence-al", country="US", geonames_id=4061234),
        CityFactory(name="Florence", slug="florence-sc", country="US", geonames_id=4578737),
    ]


def reconcile(client: Any, queries: Any, method: str = "post") -> Any:
    """The queries as OpenRefine sends them: a form field, in the body or the query string."""
    payload = {"queries": json.dumps(queries) if not isinstance(queries, str) else queries}
    if method == "get":
        return client.get(SERVICE, payload)
    return client.post(SERVICE, urlencode(payload), content_type=FORM)


def results(client: Any, queries: Any, method: str = "post") -> dict[str, list[dict[str, Any]]]:
    response = reconcile(client, queries, method)
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    return {name: answer["result"] for name, answer in response.json().items()}


def test_the_manifest_describes_the_service(client: Any) -> None:
    response = client.get(SERVICE, HTTP_ORIGIN="http://127.0.0.1:3333")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    manifest = response.json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["name"] == "Twinning cities"
    assert manifest["identifierSpace"] == "http://testserver/cities/"
    assert manifest["schemaSpace"].startswith("http://testserver/api/reconcile/")
    assert manifest["defaultTypes"] == [{"id": "city", "name": "City"}]
    assert manifest["view"]["url"] == "http://testserver/cities/{{id}}/"
    assert manifest["preview"]["url"] == "http://testserver/api/reconcile/preview/?id={{id}}"
    assert {"width", "height"} <= set(manifest["preview"])


def test_a_name_in_italian_finds_florence_and_is_a_match(client: Any, florence: Any) -> None:
    (candidate,) = results(client, {"q0": {"query": "Firenze"}})["q0"]
    assert candidate == {
        "id": "florence",
        "name": "Florence",
        "description": "Tuscany, Italy",
        "score": 100.0,
        "match": True,
        "type": [{"id": "city", "name": "City"}],
    }
    # Any case, accents, script; by GET as well as POST.
    answers = results(
        client,
        {"a": {"query": "FIRENZÉ"}, "b": {"query": "فلورانس"}, "c": {"query": "Firenze"}},
        method="get",
    )
    assert [answers[name][0]["id"] for name in "abc"] == ["florence"] * 3


def test_a_view_url_and_a_preview_lead_to_the_city(client: Any, florence: Any) -> None:
    (candidate,) = results(client, {"q0": {"query": "Firenze"}})["q0"]
    assert client.get(f"/cities/{candidate['id']}/").status_code == 200
    preview = client.get(f"{SERVICE}preview/?id={candidate['id']}")
    assert preview.status_code == 200
    assert "Florence" in preview.content.decode() and "Tuscany, Italy" in preview.content.decode()
    # OpenRefine shows it in a frame of its own page.
    assert "X-Frame-Options" not in preview
    assert "frame-ancestors *" in preview["Content-Security-Policy"]
    assert client.get(f"{SERVICE}preview/?id=no-such-city").status_code == 404
    assert client.get(f"{SERVICE}preview/?id=a%00b").status_code == 404


def test_namesakes_are_candidates_but_none_is_a_match_without_the_country(
    client: Any, florence: Any, namesakes: list[Any]
) -> None:
    candidates = results(client, {"q0": {"query": "Florence"}})["q0"]
    assert candidates[0]["id"] == "florence"  # the largest first
    assert {c["id"] for c in candidates} == {"florence", "florence-al", "florence-sc"}
    assert not any(c["match"] for c in candidates)


@pytest.mark.parametrize("value", ["IT", "it", "Italy", "Italia", ["IT", "SM"], {"id": "IT"}])
def test_the_country_property_keeps_that_countrys_cities(
    client: Any, florence: Any, namesakes: list[Any], value: Any
) -> None:
    query = {"query": "Florence", "properties": [{"pid": "country", "v": value}]}
    (candidate,) = results(client, {"q0": query})["q0"]
    assert (candidate["id"], candidate["match"]) == ("florence", True)
    usa = {"query": "Florence", "properties": [{"pid": "P17", "v": "US"}]}
    assert {c["id"] for c in results(client, {"q0": usa})["q0"]} == {"florence-al", "florence-sc"}


def test_a_partial_name_finds_candidates_by_similarity_never_a_match(
    client: Any, florence: Any
) -> None:
    CityFactory(name="Firenzuola", slug="firenzuola", country="IT", geonames_id=3176885)
    candidates = results(client, {"q0": {"query": "Firenz"}})["q0"]
    assert {c["id"] for c in candidates} == {"florence", "firenzuola"}
    assert all(c["score"] < 100 and not c["match"] for c in candidates)
    assert candidates[0]["id"] == "florence"  # "firenze" is closer to "firenz"


def test_the_limit_bounds_the_candidates(client: Any) -> None:
    for n in range(8):
        CityFactory(name="Springfield", slug=f"springfield-{n}", country="US", geonames_id=n + 1)
    answers = results(
        client,
        {"one": {"query": "Springfield", "limit": 1}, "default": {"query": "Springfield"}},
    )
    assert len(answers["one"]) == 1
    assert len(answers["default"]) == 5


def test_a_type_other_than_city_has_no_candidates(client: Any, florence: Any) -> None:
    answers = results(
        client,
        {
            "city": {"query": "Firenze", "type": "city"},
            "cities": {"query": "Firenze", "type": ["city"]},
            "person": {"query": "Firenze", "type": "person"},
            "blank": {"query": "  "},
        },
    )
    assert [len(answers[name]) for name in ("city", "cities", "person", "blank")] == [1, 1, 0, 0]


def test_drafts_and_private_cities_are_never_candidates(client: Any, florence: Any) -> None:
    # A city that only a draft names (an import's new city) is not public.
    hidden = CityFactory(name="Firenze Nuova", slug="firenze-nuova", country="IT")
    PartnershipFactory(city_a=hidden, publication_state=PublicationState.DRAFT)
    CityNameFactory(city=hidden, name="Firenze", language="it")
    answers = results(client, {"q0": {"query": "Firenze"}, "q1": {"query": "Firenze Nuova"}})
    assert [c["id"] for c in answers["q0"]] == ["florence"]
    assert answers["q0"][0]["match"] is True
    assert answers["q1"] == []
    assert client.get(f"{SERVICE}preview/?id=firenze-nuova").status_code == 404
    # Once a published record names it, it is public.
    PartnershipFactory(city_a=hidden)
    assert [c["id"] for c in results(client, {"q1": {"query": "Firenze Nuova"}})["q1"]] == [
        "firenze-nuova"
    ]


@pytest.mark.parametrize(
    ("queries", "says"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object of queries"),
        ('"Firenze"', "JSON object of queries"),
        ({"q0": "Firenze"}, "q0: a query must be a JSON object"),
        ({"q0": {}}, "“query” must be a string"),
        ({"q0": {"query": 7}}, "“query” must be a string"),
        ({"q0": {"query": "x" * 201}}, "longer than 200"),
        ({"q0": {"query": "Firenze", "limit": 0}}, "“limit” must be a whole number"),
        ({"q0": {"query": "Firenze", "limit": "3"}}, "“limit” must be a whole number"),
        ({"q0": {"query": "Firenze", "limit": 26}}, "“limit” must be a whole number"),
        ({"q0": {"query": "Firenze", "limit": True}}, "“limit” must be a whole number"),
        ({"q0": {"query": "Firenze", "type": 3}}, "“type” must be"),
        ({"q0": {"query": "Firenze", "properties": {"country": "IT"}}}, "“properties” must"),
        ({"q0": {"query": "Firenze", "properties": [{"pid": "country"}]}}, "“pid” and “v”"),
        ({"q0": {"query": "Firenze", "properties": [{"pid": "mayor", "v": "x"}]}}, "unknown"),
        ({"q0": {"query": "Firenze", "properties": [{"pid": "country", "v": 3}]}}, "country"),
        ({f"q{n}": {"query": "Firenze"} for n in range(MAX_QUERIES + 1)}, "At most 50"),
    ],
)
def test_bad_input_is_a_400_that_says_what_is_wrong(
    client: Any, florence: Any, queries: Any, says: str
) -> None:
    for method in ("post", "get"):
        response = reconcile(client, queries, method)
        assert response.status_code == 400, (method, response.content)
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert says in response.json()["detail"]


def test_a_post_without_queries_or_with_two_is_a_400(client: Any) -> None:
    assert client.post(SERVICE, "", content_type=FORM).status_code == 400
    twice = client.post(SERVICE, "queries=%7B%7D&queries=%7B%7D", content_type=FORM)
    assert twice.status_code == 400 and "once" in twice.json()["detail"]
    as_json = client.post(SERVICE, '{"queries": {}}', content_type="application/json")
    assert as_json.status_code == 415  # the protocol sends a form


def test_it_needs_no_cookie_nor_csrf_token_and_writes_nothing(
    florence: Any, django_user_model: Any
) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    # Even with an admin's session cookie, as a page on another site could send it.
    client.force_login(django_user_model.objects.create_superuser("c", "c@example.org", "pw"))
    with CaptureQueriesContext(connection) as queries:
        response = reconcile(client, {"q0": {"query": "Firenze"}})
    assert response.status_code == 200
    assert response.cookies == {}
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))
        and "throttle" not in q["sql"]  # the rate limit's count (without Redis)
    ]
    assert writes == []
    # Nothing but GET, HEAD, POST and the preflight.
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(SERVICE).status_code == 405


def test_a_browser_preflight_is_answered_for_any_origin(client: Any) -> None:
    response = client.options(
        SERVICE,
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_a_batch_costs_a_few_queries_per_query(
    client: Any, florence: Any, django_assert_max_num_queries: Any
) -> None:
    batch = {f"q{n}": {"query": "Firenze"} for n in range(10)}
    with django_assert_max_num_queries(10 * 4 + 5):
        results(client, batch)


def test_it_is_left_out_of_the_openapi_schema_and_named_in_its_description() -> None:
    # A protocol of its own (a JSON document in a form field), which clients read from its
    # manifest; the API documentation names it.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not any("reconcile" in path for path in schema["paths"])
