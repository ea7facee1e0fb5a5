"""Dates keep the precision their source states, and are never shown as 1 January."""

import datetime

import pytest
from django.utils import translation

from agreements.models import Partnership
from common.dates import PartialDate

from .factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("date", "precision", "shown", "iso"),
    [
        (datetime.date(1998, 1, 1), "year", "1998", "1998"),
        (datetime.date(2021, 2, 1), "month", "February 2021", "2021-02"),
        (datetime.date(2022, 9, 20), "day", "Sept. 20, 2022", "2022-09-20"),
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


def test_dates_are_localised() -> None:
    with translation.override("it"):
        assert str(PartialDate(datetime.date(2021, 2, 1), "month")) == "Febbraio 2021"


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
