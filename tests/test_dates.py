"""Dates keep the precision their source states, and are never shown as 1 January."""

import datetime
from typing import Any

import pytest
from django.utils import translation

from agreements.models import Partnership
from common.dates import PartialDate

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("date", "precision", "shown", "iso"),
    [
        (datetime.date(1998, 1, 1), "year", "1998", "1998"),
        (datetime.date(2021, 2, 1), "month", "February 2021", "2021-02"),
        (datetime.date(2022, 9, 20), "day", "September 20, 2022", "2022-09-20"),
        (datetime.date(2017, 1, 1), "circa", "c. 2017", "2017"),
    ],
)
def test_a_date_is_shown_at_its_precision(date, precision, shown, iso) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        value = PartialDate(date, precision)
        assert str(value) == shown
        assert value.iso == iso
        if precision != "day":
            assert "Jan" not in str(value) and "1," not in str(value)


@pytest.mark.parametrize(
    ("language", "month", "day", "year"),
    [
        ("en", "February 2021", "September 20, 2022", "1998"),
        # Italian months are lower case, with no leading zero on the day.
        ("it", "febbraio 2021", "20 settembre 2022", "1998"),
        # Vietnamese: "tháng 2 năm 2021", not "Tháng 2 2021".
        ("vi", "tháng 2 năm 2021", "20 tháng 9, 2022", "1998"),
        # Persian pages write Persian digits.
        ("fa", "فوریه ۲۰۲۱", "۲۰ سپتامبر ۲۰۲۲", "۱۹۹۸"),
    ],
)
def test_dates_are_written_as_each_language_writes_them(
    language: str, month: str, day: str, year: str
) -> None:
    with translation.override(language):
        assert str(PartialDate(datetime.date(2021, 2, 1), "month")) == month
        assert str(PartialDate(datetime.date(2022, 9, 20), "day")) == day
        assert str(PartialDate(datetime.date(1998, 1, 1), "year")) == year


@pytest.mark.parametrize(
    ("language", "count", "coordinates"),
    [
        ("en", "1,547,164", "43.7793° N, 11.2463° E"),
        ("it", "1.547.164", "43,7793° N; 11,2463° E"),
        ("vi", "1.547.164", "43,7793° N; 11,2463° E"),
        ("fa", "۱٬۵۴۷٬۱۶۴", "۴۳٫۷۷۹۳° N, ۱۱٫۲۴۶۳° E"),
    ],
)
def test_numbers_and_coordinates_follow_the_language(
    language: str, count: str, coordinates: str
) -> None:
    from common import formats

    with translation.override(language):
        assert formats.number(1547164) == count
        assert formats.coordinates(43.77931, 11.24626) == coordinates
    assert formats.coordinates(-33.8688, -151.2093, "en") == "33.8688° S, 151.2093° W"


def test_a_coarse_date_is_stored_as_the_first_day_of_its_period() -> None:
    partnership = PartnershipFactory(
        established=datetime.date(1998, 7, 15),
        established_precision="year",
        established_as_written="1377 SH",
    )
    partnership.refresh_from_db()
    assert partnership.established == datetime.date(1998, 1, 1)
    assert str(partnership.established_when) == "1998"
    assert partnership.established_when.as_written == "1377 SH"


def test_dates_of_mixed_precision_sort_and_filter_in_the_database() -> None:
    day = PartnershipFactory(established=datetime.date(1998, 5, 20), established_precision="day")
    year = PartnershipFactory(established=datetime.date(1998, 1, 1), established_precision="year")
    month = PartnershipFactory(established=datetime.date(1997, 3, 1), established_precision="month")
    ordered = list(Partnership.objects.order_by("established"))
    assert ordered == [month, year, day]
    assert set(Partnership.objects.filter(established__year=1998)) == {day, year}


def test_a_missing_date_has_no_display() -> None:
    partnership = PartnershipFactory(established=None, established_precision="")
    assert partnership.established_when is None


@pytest.mark.parametrize(
    ("prefix", "population", "coordinates"),
    [
        ("", "1,547,164", "43.7793° N, 11.2463° E"),
        ("/it", "1.547.164", "43,7793° N; 11,2463° E"),
        ("/fa", "۱٬۵۴۷٬۱۶۴", "۴۳٫۷۷۹۳° N, ۱۱٫۲۴۶۳° E"),
    ],
)
def test_a_city_page_writes_its_figures_in_the_pages_language(
    client: Any, prefix: str, population: str, coordinates: str
) -> None:
    city = CityFactory(
        geonames_id=3176959, population=1547164, latitude="43.77931", longitude="11.24626"
    )
    page = client.get(f"{prefix}{city.get_absolute_url()}").content.decode()
    assert population in page
    # Read left to right in every page, or a Persian page reorders "N, 11.2463° E 43.7793°".
    assert f'<bdi dir="ltr">{coordinates}</bdi>' in page


def test_counts_on_a_persian_page_are_written_in_persian_digits(client: Any) -> None:
    import re

    for _ in range(2):
        PartnershipFactory(city_a=CityFactory(country="IT"), city_b=CityFactory(country="IR"))
    page = client.get("/fa/partnerships/").content.decode()
    heading = re.search(r'<h2[^>]*id="results-heading"[^>]*>(.*?)</h2>', page, re.S)
    text = heading.group(1) if heading else page
    assert "۲" in text and "2" not in re.sub(r"<[^>]+>", "", text)
    assert re.search(r'<span class="count">۲</span>', page)  # the facet counts too


@pytest.mark.parametrize(("prefix", "summary"), [("/fa", "نمایش همه (۱۲)"), ("", "Show all (12)")])
def test_a_long_facet_offers_all_its_options_in_the_pages_digits(
    client: Any, prefix: str, summary: str
) -> None:
    # Twelve countries: eight are listed, the others behind "Show all (12)".
    for country in ["IT", "IR", "FR", "DE", "ES", "PT", "PL", "AT", "BE", "NL", "SE", "DK"]:
        PartnershipFactory(city_a=CityFactory(country=country), city_b=CityFactory(country="IT"))
    page = client.get(f"{prefix}/partnerships/").content.decode()
    assert f"<summary>{summary}</summary>" in page
