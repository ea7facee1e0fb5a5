"""Names are found whatever the case, accents, letter variants or script used to type them."""

import pytest

from cities.models import City
from cities.normalise import search_key

from .factories import CityFactory, CityNameFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("HA NOI", "Hà Nội"),
        ("hanoi", "Hanoi"),
        ("da nang", "Đà Nẵng"),
        ("firenzé", "Firenze"),
        ("إصفهان", "اصفهان"),  # Arabic alef with hamza below for the Persian bare alef
        ("كرمان", "کرمان"),  # Arabic kaf for Persian keheh
        ("علي", "علی"),  # Arabic yeh for Persian yeh
        ("lodz", "Łódź"),
    ],
)
def test_variants_share_a_search_key(typed: str, stored: str) -> None:
    assert search_key(typed) == search_key(stored)


def test_different_names_keep_different_keys() -> None:
    assert search_key("Rome") != search_key("Roma")


@pytest.mark.django_db
def test_the_key_is_maintained_on_save() -> None:
    city = CityFactory(name="Hà Nội")
    assert city.search_key == "ha noi"
    city.name = "Thăng Long"
    city.save()
    city.refresh_from_db()
    assert city.search_key == "thang long"


@pytest.mark.django_db
def test_a_city_is_found_by_any_of_its_names() -> None:
    florence = CityFactory(name="Florence")
    CityNameFactory(city=florence, name="Firenze", language="it")
    CityNameFactory(city=florence, name="فلورانس", language="fa")
    CityFactory(name="Fiesole")
    assert list(City.objects.matching("FIRENZE")) == [florence]
    assert list(City.objects.matching("فلورانس")) == [florence]
    assert list(City.objects.matching("")) == []
