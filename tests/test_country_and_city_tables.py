"""Country pages as a summary and a sortable, paginated table; the city list sortable by its
number of partnerships (issue 13: no wall of 1,383 cards, no 379 pages in one order)."""

import datetime
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import PartnershipKind
from publishing.publication import PublicationState

from .factories import CityFactory, CityNameFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def table_rows(html: str) -> list[list[str]]:
    """The body rows of the partnerships table, each as the text of its cells."""
    body = html.split('<table class="record-table">')[1].split("</table>")[0].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def german(name: str) -> Any:
    return CityFactory(name=name, country="DE")


@pytest.mark.parametrize("bitmaps", ["sync", "off"])
def test_the_country_page_sums_up_its_partnerships(
    client: Any, settings: Any, bitmaps: str
) -> None:
    # Counted from the bitmaps when they are ready, else in the database: the same figures.
    settings.FACET_BITMAPS = bitmaps
    berlin, bonn = german("Berlin"), german("Bonn")
    for year in (1990, 1956, 2001):
        PartnershipFactory(
            city_a=berlin, city_b=CityFactory(country="FR"), established=datetime.date(year, 1, 1)
        )
    PartnershipFactory(
        city_a=bonn, city_b=CityFactory(country="PL"), kind=PartnershipKind.FRIENDSHIP
    )
    PartnershipFactory(city_a=berlin, city_b=bonn)
    html = client.get("/countries/DE/").content.decode()
    partners = html.split('id="partner-countries-heading"')[1].split("</section>")[0]
    names = re.findall(
        r"<li><a [^>]*><span>([^<]+)</span> <span class=\"count\">(\d+)</span>", partners
    )
    assert names == [("France", "3"), ("Within Germany", "1"), ("Poland", "1")]
    assert "?pair=DE-FR" in partners and "?pair=DE-PL" in partners
    facts = html.split('class="facts country-facts"')[1].split("</dl>")[0]
    assert "1956" in facts  # the oldest partnership, at its precision
    assert "sister city / twin town: 4" in facts and "friendship: 1" in facts


def test_the_summary_writes_numbers_as_the_language_does(client: Any) -> None:
    berlin = german("Berlin")
    for _ in range(12):
        PartnershipFactory(city_a=berlin, city_b=CityFactory(country="FR"))
    html = client.get("/fa/countries/DE/").content.decode()
    partners = html.split('id="partner-countries-heading"')[1].split("</section>")[0]
    assert '<span class="count">۱۲</span>' in partners  # Persian digits
    assert "12" not in re.sub(r"<[^>]+>", "", partners)


def test_the_table_has_fifty_rows_a_page_and_the_page_in_the_query(client: Any) -> None:
    berlin = german("Berlin")
    for _ in range(53):
        PartnershipFactory(city_a=berlin, city_b=CityFactory(country="FR"))
    first = client.get("/countries/DE/")
    assert len(table_rows(first.content.decode())) == 50
    assert "page=2" in first.content.decode()
    second = client.get("/countries/DE/?page=2")
    assert len(table_rows(second.content.decode())) == 3
    assert client.get("/countries/DE/?page=x").status_code == 400
    assert client.get("/countries/DE/?page=0").status_code == 400
    assert client.get("/countries/DE/?page=9").status_code == 404


def test_the_table_sorts_by_city_partner_and_year(client: Any) -> None:
    aachen, zwickau = german("Aachen"), german("Zwickau")
    PartnershipFactory(
        city_a=zwickau,
        city_b=CityFactory(name="Arras", country="FR"),
        established=datetime.date(1970, 1, 1),
    )
    PartnershipFactory(
        city_a=CityFactory(name="Zadar", country="HR"),
        city_b=aachen,
        established=datetime.date(1990, 1, 1),
    )
    PartnershipFactory(
        city_a=aachen,
        city_b=CityFactory(name="Metz", country="FR"),
        established=None,
        established_precision="",
    )

    def order(query: str) -> list[tuple[str, str]]:
        response = client.get(f"/countries/DE/{query}")
        assert response.status_code == 200
        return [(row[0], row[1]) for row in table_rows(response.content.decode())]

    # This country's city first in each row, whichever side the record stores it on.
    assert order("") == [("Aachen", "Metz"), ("Aachen", "Zadar"), ("Zwickau", "Arras")]
    assert order("?sort=-city") == [("Zwickau", "Arras"), ("Aachen", "Metz"), ("Aachen", "Zadar")]
    assert order("?sort=partner") == [("Zwickau", "Arras"), ("Aachen", "Metz"), ("Aachen", "Zadar")]
    assert order("?sort=-partner")[0] == ("Aachen", "Zadar")
    # Oldest first, undated last either way.
    assert order("?sort=year") == [("Zwickau", "Arras"), ("Aachen", "Zadar"), ("Aachen", "Metz")]
    assert order("?sort=-year") == [("Aachen", "Zadar"), ("Zwickau", "Arras"), ("Aachen", "Metz")]
    html = client.get("/countries/DE/?sort=year").content.decode()
    assert 'aria-sort="ascending"' in html and "sort=-year" in html


def test_the_table_sorts_by_the_names_the_page_shows(client: Any) -> None:
    munich = german("Munich")
    CityNameFactory(city=munich, name="Monaco di Baviera", language="it", is_preferred=True)
    cologne = german("Cologne")
    CityNameFactory(city=cologne, name="Colonia", language="it", is_preferred=True)
    PartnershipFactory(city_a=munich, city_b=CityFactory(country="FR"))
    PartnershipFactory(city_a=cologne, city_b=CityFactory(country="FR"))
    PartnershipFactory(city_a=german("Lübeck"), city_b=CityFactory(country="FR"))
    english = [row[0] for row in table_rows(client.get("/countries/DE/").content.decode())]
    italian = [row[0] for row in table_rows(client.get("/it/countries/DE/").content.decode())]
    assert english == ["Cologne", "Lübeck", "Munich"]
    assert italian == ["Colonia", "Lübeck", "Monaco di Baviera"]


@pytest.mark.parametrize("query", ["?sort=population", "?sort=--year", "?sort=city%00"])
def test_a_bad_sort_of_the_country_table_is_a_400(client: Any, query: str) -> None:
    PartnershipFactory(city_a=german("Berlin"), city_b=CityFactory(country="FR"))
    response = client.get(f"/countries/DE/{query}")
    assert response.status_code == 400


def test_the_country_page_shows_no_draft(client: Any) -> None:
    berlin = german("Berlin")
    PartnershipFactory(city_a=berlin, city_b=CityFactory(name="Paris", country="FR"))
    PartnershipFactory(
        city_a=berlin,
        city_b=CityFactory(name="Draftville", country="PL"),
        publication_state=PublicationState.DRAFT,
        established=datetime.date(1900, 1, 1),
    )
    html = client.get("/countries/DE/").content.decode()
    assert "Draftville" not in html and "Poland" not in html and "1900" not in html


def test_the_country_page_issues_as_many_queries_for_3_rows_as_for_60(client: Any) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            city = german(f"Stadt {CityFactory._meta.next_sequence()}")
            CityNameFactory(city=city, language="en", is_preferred=True)
            PartnershipFactory(city_a=city, city_b=CityFactory(country="FR"))
            PartnershipFactory(city_a=CityFactory(country="ES"), city_b=city)

    def queries() -> int:
        client.get("/countries/DE/")
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get("/countries/DE/?sort=-partner").status_code == 200
        return len(context.captured_queries)

    add(2)
    queries()
    few = queries()
    add(30)
    assert queries() == few


def city_names_in_list(html: str) -> list[str]:
    titles = re.findall(r'<h3 class="card-title"><a [^>]*>(.*?)</a></h3>', html, re.S)
    return [re.sub(r"<[^>]+>", "", title) for title in titles]


def test_the_city_list_sorts_by_number_of_partnerships(client: Any) -> None:
    few, most, some = CityFactory(name="Alba"), CityFactory(name="Zug"), CityFactory(name="Mola")
    for _ in range(3):
        PartnershipFactory(city_a=most, city_b=CityFactory(name=f"Y {_}"))
    PartnershipFactory(city_a=CityFactory(name="X 1"), city_b=some)
    PartnershipFactory(city_a=some, city_b=few)
    PartnershipFactory(
        city_a=few, city_b=CityFactory(name="X 2"), publication_state=PublicationState.DRAFT
    )
    by_name = city_names_in_list(client.get("/cities/").content.decode())
    assert by_name[:3] == ["Alba", "Mola", "X 1"]
    response = client.get("/cities/?sort=partnerships")
    ranked = city_names_in_list(response.content.decode())
    assert ranked[:3] == ["Zug", "Mola", "Alba"]  # 3, 2, then 1 (the draft does not count)
    assert '<option value="partnerships" selected>' in response.content.decode()


def test_the_city_list_keeps_its_sort_across_pages_and_downloads(client: Any) -> None:
    busy = CityFactory(name="Zzyzx")
    for _ in range(25):
        PartnershipFactory(city_a=busy, city_b=CityFactory())
    html = client.get("/cities/?sort=partnerships").content.decode()
    assert city_names_in_list(html)[0] == "Zzyzx"
    assert "sort=partnerships&amp;page=2" in html or "page=2&amp;sort=partnerships" in html
    csv = b"".join(client.get("/cities/?sort=partnerships&format=csv").streaming_content).decode()
    assert csv.splitlines()[1].split(",")[1] == "Zzyzx"
    assert client.get("/cities/?sort=population").status_code == 400


def test_the_city_list_sorted_by_partnerships_issues_a_constant_number_of_queries(
    client: Any,
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            PartnershipFactory(city_a=CityFactory(), city_b=CityFactory())

    def queries() -> int:
        client.get("/cities/?sort=partnerships")
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get("/cities/?sort=partnerships").status_code == 200
        return len(context.captured_queries)

    add(2)
    queries()
    few = queries()
    add(25)
    assert queries() == few


def test_the_table_and_summary_follow_a_publication_at_once(client: Any) -> None:
    """The table's order and the summary are computed once per read version (ids only, the
    counts from the bitmaps): a partnership published after a visit is in both at the next."""
    berlin = german("Berlin")
    PartnershipFactory(city_a=berlin, city_b=CityFactory(name="Paris", country="FR"))
    first = client.get("/countries/DE/?sort=partner").content.decode()
    assert [row[1] for row in table_rows(first)] == ["Paris"]
    draft = PartnershipFactory(
        city_a=berlin,
        city_b=CityFactory(name="Ankara", country="TR"),
        publication_state=PublicationState.DRAFT,
    )
    html = client.get("/countries/DE/?sort=partner").content.decode()
    assert [row[1] for row in table_rows(html)] == ["Paris"] and "Turkey" not in html
    draft.publication_state = PublicationState.PUBLISHED
    draft.save()
    html = client.get("/countries/DE/?sort=partner").content.decode()
    assert [row[1] for row in table_rows(html)] == ["Ankara", "Paris"]
    partners = html.split('id="partner-countries-heading"')[1].split("</section>")[0]
    assert "?pair=DE-TR" in partners
