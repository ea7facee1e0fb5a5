"""A city with more partners than a page can list shows them by partner country, each
country linking to the browse page of exactly those partnerships."""

from typing import Any

import pytest

from cities.models import City
from directory import records

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_a_busy_city_lists_its_partners_by_country_with_links(
    client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(records, "CITY_PARTNERS_LISTED", 2)
    florence = CityFactory(name="Florence", slug="florence", country="IT")
    kyoto = CityFactory(name="Kyoto", country="JP")
    PartnershipFactory(city_a=florence, city_b=kyoto)
    PartnershipFactory(city_a=CityFactory(name="Nagoya", country="JP"), city_b=florence)
    PartnershipFactory(city_a=florence, city_b=CityFactory(name="Reims", country="FR"))
    html = client.get("/cities/florence/").content.decode()
    assert "3 partnerships" in html
    assert "Kyoto" not in html and "Reims" not in html  # not listed one by one
    assert '<a href="/partnerships/?city=florence&amp;pair=IT-JP">Japan</a>' in html
    assert '<span class="count">2</span>' in html
    # Each link lists exactly that country's partnerships of the city.
    response = client.get("/partnerships/?city=florence&pair=IT-JP")
    assert response.context["page"].paginator.count == 2
    response = client.get("/partnerships/?city=florence&pair=FR-IT")
    assert response.context["page"].paginator.count == 1
    assert 'href="/partnerships/?city=florence">Browse all partnerships of Florence' in html


def test_a_city_with_few_partners_lists_each(client: Any) -> None:
    florence = CityFactory(name="Florence", slug="florence", country="IT")
    PartnershipFactory(city_a=florence, city_b=CityFactory(name="Kyoto", country="JP"))
    html = client.get("/cities/florence/").content.decode()
    assert "Kyoto" in html
    assert "partner-countries" not in html


def test_a_city_with_no_facts_shows_no_empty_box(client: Any) -> None:
    """Population, coordinates and identifiers unknown: no empty (and boxed) fact list."""
    CityFactory(slug="nowhere", population=None, latitude=None, longitude=None)
    city = CityFactory(slug="somewhere", population=1200)
    PartnershipFactory(city_a=city)
    PartnershipFactory(city_a=City.objects.get(slug="nowhere"))
    assert 'class="facts"' not in client.get("/cities/nowhere/").content.decode()
    assert 'class="facts"' in client.get("/cities/somewhere/").content.decode()
