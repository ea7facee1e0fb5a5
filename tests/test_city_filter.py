"""One city's partnerships on the browse page and in the API (``?city=SLUG``): where a city
page with too many partners to list links to."""

from typing import Any

import pytest
from django.urls import reverse

from publishing.publication import PublicationState

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

BROWSE = reverse("directory:partnership-list")


@pytest.fixture(params=["sync", "off"])
def bitmaps(request: Any, settings: Any) -> str:
    """From the bitmaps and from the database: the same answer."""
    settings.FACET_BITMAPS = request.param
    return str(request.param)


@pytest.mark.usefixtures("bitmaps")
def test_a_city_filter_lists_that_citys_partnerships_on_either_side(client: Any) -> None:
    florence = CityFactory(name="Florence", slug="florence", country="IT")
    kyoto, edinburgh = CityFactory(country="JP"), CityFactory(country="GB")
    first = PartnershipFactory(city_a=florence, city_b=kyoto)
    second = PartnershipFactory(city_a=edinburgh, city_b=florence)
    PartnershipFactory(city_a=kyoto, city_b=edinburgh)
    PartnershipFactory(city_a=florence, publication_state=PublicationState.DRAFT)
    response = client.get(f"{BROWSE}?city=florence")
    assert response.status_code == 200
    assert {p.pk for p in response.context["page"].object_list} == {first.pk, second.pk}
    countries = {f.name: f for f in response.context["facets"]}["country"]
    assert {o.value: o.count for o in countries.options} == {"IT": 2, "JP": 1, "GB": 1}
    # Narrowed by the facets as any filter is.
    response = client.get(f"{BROWSE}?city=florence&country=JP")
    assert [p.pk for p in response.context["page"].object_list] == [first.pk]
    html = response.content.decode()
    # The filter shows as a removable chip, and the form keeps it when a facet changes.
    assert "City: <bdi>Florence</bdi>" in html
    assert '<input type="hidden" name="city" value="florence">' in html


def test_an_unknown_or_unpublished_city_matches_nothing_alike(client: Any) -> None:
    """A city named only by a draft is indistinguishable from one that does not exist."""
    hidden = CityFactory(slug="only-in-a-draft", geonames_id=None)
    PartnershipFactory(city_a=hidden, publication_state=PublicationState.DRAFT)
    PartnershipFactory()
    pages = []
    for slug in ("atlantis", hidden.slug):
        response = client.get(f"{BROWSE}?city={slug}")
        assert response.status_code == 200
        assert (
            response.context["page"] is not None and response.context["page"].paginator.count == 0
        )
        pages.append(response.content.decode().replace(slug, "SLUG"))
    assert pages[0] == pages[1]
    assert client.get(f"{BROWSE}?city=not a slug").status_code == 400


def test_the_api_filters_by_city_too(client: Any) -> None:
    florence = CityFactory(slug="florence")
    mine = PartnershipFactory(city_b=florence)
    PartnershipFactory()
    response = client.get("/api/v1/partnerships/?city=florence")
    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == [mine.slug]
    assert client.get("/api/v1/partnerships/?city=atlantis").json()["count"] == 0
    assert client.get("/api/v1/partnerships/?city=no%20slug").status_code == 400
