"""The API does what its OpenAPI schema says, and serves the rows the downloads hold.

Each failure schemathesis found against a served instance (``.ci/api-contract``) has its test
here: responses that break their schema, valid requests refused, invalid ones accepted.
"""

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

import jsonschema
import pytest
from django.core.cache import cache
from drf_spectacular.generators import SchemaGenerator

from agreements.filters import DECADES, YEARS
from agreements.models import CulturalProject, Partnership, Theme
from api import serializers
from api.rows import CityRows, PartnershipRows, ProjectRows
from cities.models import City

from .factories import (
    CityFactory,
    MeetingFactory,
    NetworkFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def as_json_schema(node: Any, components: dict[str, Any]) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: references resolved, ``nullable`` as a type, and
    objects closed (``additionalProperties: false``), so that a key the schema does not
    describe fails as surely as a wrong type."""
    if isinstance(node, list):
        return [as_json_schema(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return as_json_schema(components[node["$ref"].rsplit("/", 1)[1]], components)
    converted = {
        # drf-spectacular's oneOf of a URI and an empty string: both match "" without a
        # format checker, so either is enough.
        "anyOf" if key == "oneOf" else key: as_json_schema(value, components)
        for key, value in node.items()
        if key not in ("nullable", "readOnly", "example")
    }
    if "properties" in converted:
        converted["properties"] = {
            name: as_json_schema(value, components) for name, value in node["properties"].items()
        }
        converted.setdefault("additionalProperties", False)
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def response_schema(schema: dict[str, Any], path: str, status: str = "200") -> Any:
    content = schema["paths"][path]["get"]["responses"][status]["content"]
    return as_json_schema(content["application/json"]["schema"], schema["components"]["schemas"])


def parameter(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
    value: dict[str, Any] = found["schema"]
    return value.get("items", value)


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("endpoint", "slug"),
    [
        ("partnerships", "florence-isfahan"),
        ("agreements", "isfahan-florence-sister-city-pact"),
        ("meetings", "isfahan-florence-international-relations-online-meeting"),
        ("projects", "isfahan-florence-joint-music-project"),
        ("cities", "isfahan"),
        ("networks", "unesco-creative-cities-network"),
        ("themes", "music"),
    ],
)
def test_every_response_is_exactly_what_the_schema_describes(
    client: Any, endpoint: str, slug: str
) -> None:
    # The seed has what broke the schema: a network without a parent, a project without a
    # network, an online meeting without a place, a source without a URL, and a partnership
    # whose agreements, meetings and projects are served in full.
    schema = openapi()
    listing = client.get(f"{API}/{endpoint}/")
    jsonschema.validate(listing.json(), response_schema(schema, f"/api/v1/{endpoint}/"))
    detail = client.get(f"{API}/{endpoint}/{slug}/")
    jsonschema.validate(detail.json(), response_schema(schema, f"/api/v1/{endpoint}/{{slug}}/"))


@pytest.mark.usefixtures("seeded")
def test_links_that_may_be_missing_are_null_and_documented_as_nullable(client: Any) -> None:
    components = openapi()["components"]["schemas"]
    assert client.get(f"{API}/networks/unesco-creative-cities-network/").json()["parent"] is None
    assert components["Network"]["properties"]["parent"]["nullable"] is True
    online = client.get(f"{API}/meetings/isfahan-florence-international-relations-online-meeting/")
    assert online.json()["place"] is None
    assert components["Meeting"]["properties"]["place"]["nullable"] is True
    project = client.get(f"{API}/projects/isfahan-florence-joint-music-project/").json()
    assert project["network"] is None
    assert components["Project"]["properties"]["network"]["nullable"] is True


@pytest.mark.usefixtures("seeded")
def test_a_partnership_documents_its_agreements_meetings_and_projects_as_served(
    client: Any,
) -> None:
    detail = openapi()["components"]["schemas"]["PartnershipDetail"]["properties"]
    assert detail["agreements"]["items"] == {"$ref": "#/components/schemas/Agreement"}
    assert detail["meetings"]["items"] == {"$ref": "#/components/schemas/Meeting"}
    assert detail["projects"]["items"] == {"$ref": "#/components/schemas/Project"}
    served = client.get(f"{API}/partnerships/florence-isfahan/").json()
    project = client.get(f"{API}/projects/isfahan-florence-joint-music-project/").json()
    assert project in served["projects"]


def test_a_year_outside_the_calendar_is_a_400_and_the_schema_bounds_it(client: Any) -> None:
    MeetingFactory(date="2022-09-20", date_precision="day")
    for year in ("0", "10000", "-5", "1990.5"):
        response = client.get(f"{API}/meetings/?year={year}")
        assert response.status_code == 400, year
        assert response["Content-Type"] == "application/json"
        assert "year" in response.json()
    assert client.get(f"{API}/meetings/?year=2022").json()["count"] == 1
    year = parameter(openapi(), "/api/v1/meetings/", "year")
    assert (year["type"], year["minimum"], year["maximum"]) == ("integer", 1, 9999)


@pytest.mark.parametrize("page_size", ["null", "0", "-3", "501", "ten", "2.5", ""])
def test_a_page_size_that_is_not_a_whole_number_from_1_to_500_is_a_400(
    client: Any, page_size: str
) -> None:
    response = client.get(f"{API}/themes/?page_size={page_size}")
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize(
    "query", ["page=abc", "page=", "page=0", "page=1&page=2", "page_size=5&page_size=6"]
)
def test_a_page_that_is_not_one_whole_number_is_a_400(client: Any, query: str) -> None:
    response = client.get(f"{API}/themes/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def test_a_page_past_the_last_is_a_404(client: Any) -> None:
    assert client.get(f"{API}/themes/?page=1").status_code == 200
    response = client.get(f"{API}/themes/?page=999")
    assert response.status_code == 404 and set(response.json()) == {"detail"}


def test_the_schema_gives_the_page_size_its_bounds(client: Any) -> None:
    assert len(client.get(f"{API}/themes/?page_size=3").json()["results"]) == 3
    page_size = parameter(openapi(), "/api/v1/themes/", "page_size")
    assert (page_size["minimum"], page_size["maximum"]) == (1, 500)


def test_a_country_pair_is_the_same_pair_in_either_order(client: Any) -> None:
    partnership = PartnershipFactory(
        city_a=CityFactory(country="FR"), city_b=CityFactory(country="DE")
    )
    for pair in ("DE-FR", "FR-DE"):
        body = client.get(f"{API}/partnerships/?pair={pair}").json()
        assert [row["slug"] for row in body["results"]] == [partnership.slug], pair
    refused = client.get(f"{API}/partnerships/?pair=AA-AA")
    assert refused.status_code == 400 and "pair" in refused.json()


def test_the_schema_says_which_country_pairs_are_valid() -> None:
    pattern = parameter(openapi(), "/api/v1/partnerships/", "pair")["pattern"]
    assert re.fullmatch(pattern, "DE-FR") and re.fullmatch(pattern, "FR-DE")
    assert re.fullmatch(pattern, "XK-RS")  # Kosovo, a user-assigned code
    assert not re.fullmatch(pattern, "AA-AA") and not re.fullmatch(pattern, "DE")


def test_the_schema_lists_the_themes_and_networks_a_filter_accepts(client: Any) -> None:
    NetworkFactory(slug="creative-cities")
    schema = openapi()
    themes = parameter(schema, "/api/v1/partnerships/", "theme")["enum"]
    assert set(Theme.objects.values_list("slug", flat=True)) <= set(themes)
    assert "creative-cities" in parameter(schema, "/api/v1/partnerships/", "network")["enum"]
    assert client.get(f"{API}/partnerships/?theme=no-such-theme").status_code == 400


def test_text_with_a_nul_character_is_refused_as_the_schema_says(client: Any) -> None:
    assert client.get(f"{API}/cities/?q=a%00b").status_code == 400
    pattern = parameter(openapi(), "/api/v1/cities/", "q")["pattern"]
    assert not re.fullmatch(pattern, "a\x00b") and re.fullmatch(pattern, "Hà Nội")


def test_a_missing_record_is_a_documented_json_404(client: Any) -> None:
    schema = openapi()
    for url in (f"{API}/partnerships/no-such-pair/", f"{API}/partnerships/a%20b/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"detail"}
    documented = schema["paths"]["/api/v1/partnerships/{slug}/"]["get"]["responses"]["404"]
    assert list(documented["content"]) == ["application/json"]


# -- One row shape: the API's list item is the download's record ---------------------------


def located(name: str, country: str, lat: str, lon: str) -> City:
    return CityFactory(name=name, country=country, latitude=Decimal(lat), longitude=Decimal(lon))


@pytest.fixture
def records() -> dict[str, Any]:
    isfahan = located("اصفهان", "IR", "32.65246", "51.67462")
    florence = located("Florence", "IT", "43.77925", "-11.24626")
    partnership = PartnershipFactory(
        city_a=isfahan,
        city_b=florence,
        established="1998-01-01",
        established_precision="year",
        established_as_written="1377 SH",
    )
    partnership.themes.add(*Theme.objects.order_by("slug")[:2])
    project = ProjectFactory(partnership=partnership, start="2021-02-01", start_precision="month")
    project.cities.add(isfahan, florence)
    project.themes.add(Theme.objects.order_by("slug").first())
    return {"partnerships": partnership, "projects": project, "cities": isfahan}


def download(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize(
    ("kind", "browse"),
    [("partnerships", "/partnerships/"), ("projects", "/projects/"), ("cities", "/cities/")],
)
def test_a_record_is_the_same_object_in_the_api_list_and_the_downloads(
    client: Any, records: dict[str, Any], kind: str, browse: str
) -> None:
    slug = records[kind].slug
    (item,) = [row for row in client.get(f"{API}/{kind}/").json()["results"] if row["slug"] == slug]
    (exported,) = [
        row
        for row in json.loads(download(client, f"{browse}?format=json"))["results"]
        if row["slug"] == slug
    ]
    assert exported == item
    (feature,) = [
        feature
        for feature in json.loads(download(client, f"{browse}?format=geojson"))["features"]
        if feature["properties"]["slug"] == slug
    ]
    assert feature["properties"] == item
    detail = client.get(f"{API}/{kind}/{slug}/").json()
    assert {key: detail[key] for key in item} == item  # a detail is the row and more


def test_csv_flattens_the_row_by_the_documented_rule(client: Any, records: dict[str, Any]) -> None:
    item = client.get(f"{API}/partnerships/").json()["results"][0]
    (row,) = csv.DictReader(io.StringIO(download(client, "/partnerships/?format=csv")[1:]))
    assert row["slug"] == item["slug"] and row["api_url"] == item["api_url"]
    # A linked city: one column per key, named <key>_<its key>.
    assert row["city_a_name"] == item["city_a"]["name"] == "اصفهان"
    assert row["city_b_longitude"] == "-11.24626"  # a number, never a quoted formula
    # A date: its ISO form at its precision, its precision, its wording; never 1 January.
    assert (row["established"], row["established_precision"]) == ("1998", "year")
    assert row["established_as_written"] == "1377 SH"
    assert row["ended"] == row["ended_precision"] == ""
    assert row["themes"] == ";".join(item["themes"])
    (project,) = csv.DictReader(io.StringIO(download(client, "/projects/?format=csv")[1:]))
    assert project["start"] == "2021-02"
    assert project["cities_name"] == "Florence;اصفهان"  # a list of cities: keys joined by ;


@pytest.mark.parametrize(
    ("serializer", "shape", "model"),
    [
        (serializers.PartnershipSerializer, PartnershipRows, Partnership),
        (serializers.ProjectSerializer, ProjectRows, CulturalProject),
        (serializers.CitySerializer, CityRows, City),
    ],
)
def test_the_schema_of_a_row_names_exactly_its_keys(
    serializer: Any, shape: Any, model: Any
) -> None:
    assert list(serializer().fields) == [name for name, _kind in shape.fields]
    component = openapi()["components"]["schemas"][model.__name__.replace("Cultural", "")]
    assert list(component["properties"]) == [name for name, _kind in shape.fields]
    assert set(component["required"]) == set(component["properties"])


@pytest.mark.parametrize(
    ("path", "name", "valid"),
    [
        ("/api/v1/projects/", "year", YEARS),
        ("/api/v1/partnerships/", "decade", DECADES),
    ],
)
def test_the_year_and_decade_patterns_accept_exactly_the_filters_values(
    client: Any, path: str, name: str, valid: range
) -> None:
    pattern = parameter(openapi(), path, name)["pattern"]
    accepted = {n for n in range(0, 2200) if re.fullmatch(pattern, str(n))}
    assert accepted == set(valid)
    assert re.fullmatch(pattern, "")  # empty is no filter
    assert client.get(f"{path}?{name}={valid[0] - 1}").status_code == 400
    assert client.get(f"{path}?{name}={valid[-1]}").status_code == 200
