"""A card names first the city the list is about, else the two in alphabetical order."""

import re
from typing import Any

import pytest

from .factories import CityFactory, CityNameFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    titles = re.findall(r'<h3 class="card-title"><a [^>]*>(.*?)</a></h3>', html, re.S)
    return [re.sub(r"<[^>]+>", "", title) for title in titles]


def table_pairs(html: str) -> list[tuple[str, str]]:
    """The first two cells (city, partner city) of each row of a country page's table."""
    body = html.split('<table class="record-table">')[1].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [(re.sub(r"<[^>]+>", "", c[0]), re.sub(r"<[^>]+>", "", c[1])) for c in cells]


def test_unfiltered_cards_list_the_two_cities_alphabetically(client: Any) -> None:
    # Stored in the order of their ids: Kaltenkirchen first.
    kaltenkirchen = CityFactory(name="Kaltenkirchen", country="DE")
    aabenraa = CityFactory(name="Aabenraa", country="DK")
    PartnershipFactory(city_a=kaltenkirchen, city_b=aabenraa)
    assert card_titles(client.get("/partnerships/").content.decode()) == [
        "Aabenraa – Kaltenkirchen"
    ]


def test_a_card_filtered_by_country_names_that_countrys_city_first(client: Any) -> None:
    aabenraa = CityFactory(name="Aabenraa", country="DK")
    kaltenkirchen = CityFactory(name="Kaltenkirchen", country="DE")
    PartnershipFactory(city_a=aabenraa, city_b=kaltenkirchen)
    html = client.get("/partnerships/?country=DE").content.decode()
    assert card_titles(html) == ["Kaltenkirchen – Aabenraa"]
    html = client.get("/partnerships/?country=DK").content.decode()
    assert card_titles(html) == ["Aabenraa – Kaltenkirchen"]


def test_the_alphabetical_order_is_that_of_the_names_the_page_shows(client: Any) -> None:
    # Geneva before Genoa in English; Genova before Ginevra in Italian.
    genoa = CityFactory(name="Genoa", country="IT")
    CityNameFactory(city=genoa, name="Genova", language="it", is_preferred=True)
    geneva = CityFactory(name="Geneva", country="CH")
    CityNameFactory(city=geneva, name="Ginevra", language="it", is_preferred=True)
    PartnershipFactory(city_a=genoa, city_b=geneva)
    assert card_titles(client.get("/partnerships/").content.decode()) == ["Geneva – Genoa"]
    assert card_titles(client.get("/it/partnerships/").content.decode()) == ["Genova – Ginevra"]


def test_a_country_page_names_its_own_city_first(client: Any) -> None:
    aabenraa = CityFactory(name="Aabenraa", country="DK")
    kaltenkirchen = CityFactory(name="Kaltenkirchen", country="DE")
    PartnershipFactory(city_a=aabenraa, city_b=kaltenkirchen)
    assert table_pairs(client.get("/countries/DE/").content.decode()) == [
        ("Kaltenkirchen", "Aabenraa")
    ]
    assert table_pairs(client.get("/countries/DK/").content.decode()) == [
        ("Aabenraa", "Kaltenkirchen")
    ]
