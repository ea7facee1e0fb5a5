"""The partial-date widget in the admin: a curator enters a date at its precision (year,
month, day or about a year) with the date as written, and finds it as entered when the form
opens again; a wrong date is refused with a message that says what to change."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from agreements.models import Partnership, StatusChange
from cities.models import Source
from tests.admin_forms import submitted
from tests.conftest import admin_url
from tests.factories import CityFactory, PartnershipFactory, SourceFactory

pytestmark = pytest.mark.django_db


class Boxes(HTMLParser):
    """The value of every input and the selected option of every select, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name") or ""
        if tag == "input" and attributes.get("type") != "hidden":
            self.values[name] = attributes.get("value") or ""
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attributes:
            self.values[self.select] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def boxes(response: Any, name: str) -> tuple[str, str, str, str, str]:
    parser = Boxes()
    parser.feed(response.content.decode())
    return tuple(  # type: ignore[return-value]
        parser.values[f"{name}_{part}"]
        for part in ("year", "month", "day", "precision", "as_written")
    )


def save(client: Any, url: str, **changes: str) -> Any:
    """Open the change page, change the given boxes as a person would, and save."""
    data = {**submitted(client.get(url)), **changes}
    return client.post(url, data)


PRECISIONS = [
    # boxes as typed: year, month, day, precision, as written -> stored, shown in the list
    (("2022", "9", "20", "day", ""), datetime.date(2022, 9, 20), "September 20, 2022"),
    (("2021", "2", "", "month", ""), datetime.date(2021, 2, 1), "February 2021"),
    (("1998", "", "", "year", "1377 SH"), datetime.date(1998, 1, 1), "1998"),
    (("2017", "", "", "circa", ""), datetime.date(2017, 1, 1), "c. 2017"),
]


@pytest.mark.parametrize(("typed", "stored", "listed"), PRECISIONS)
def test_a_curator_finds_a_partnership_date_as_entered_at_each_precision(
    curator_login: Any, typed: tuple[str, ...], stored: datetime.date, listed: str
) -> None:
    partnership = PartnershipFactory(established=None, established_precision="")
    url = admin_url(Partnership, "change", partnership.pk)
    assert boxes(curator_login.get(url), "established") == ("", "", "", "", "")

    year, month, day, precision, written = typed
    response = save(
        curator_login,
        url,
        established_year=year,
        established_month=month,
        established_day=day,
        established_precision=precision,
        established_as_written=written,
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    partnership.refresh_from_db()
    assert (partnership.established, partnership.established_precision) == (stored, precision)
    assert partnership.established_as_written == written
    assert boxes(curator_login.get(url), "established") == typed

    # Saved again unchanged, it stays as it was: the round trip loses nothing.
    assert save(curator_login, url).status_code == 302
    partnership.refresh_from_db()
    assert (partnership.established, partnership.established_precision) == (stored, precision)
    listing = curator_login.get(admin_url(Partnership, "changelist")).content.decode()
    assert f'<td class="field-established_when">{listed}</td>' in listing


def test_a_status_change_in_the_life_cycle_inline_keeps_its_month(curator_login: Any) -> None:
    partnership = PartnershipFactory()
    url = admin_url(Partnership, "change", partnership.pk)
    data = submitted(curator_login.get(url))
    data.update(
        {
            "status_changes-TOTAL_FORMS": "1",
            "status_changes-0-sequence": "0",
            "status_changes-0-status": "dormant",
            "status_changes-0-date_year": "2009",
            "status_changes-0-date_month": "4",
            "status_changes-0-date_day": "",
            "status_changes-0-date_precision": "month",
            "status_changes-0-date_as_written": "",
            "status_changes-0-note": "",
        }
    )
    response = curator_login.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = StatusChange.objects.get(partnership=partnership)
    assert (change.date, change.date_precision) == (datetime.date(2009, 4, 1), "month")
    assert boxes(curator_login.get(url), "status_changes-0-date") == ("2009", "4", "", "month", "")


def test_an_empty_extra_inline_row_is_not_a_date_to_give(curator_login: Any) -> None:
    """The blank row that "Add another" gives carries no precision: saving the page with it
    untouched adds nothing and asks for nothing."""
    partnership = PartnershipFactory()
    url = admin_url(Partnership, "change", partnership.pk)
    data = submitted(curator_login.get(url))
    data.update(
        {
            "status_changes-TOTAL_FORMS": "1",
            "status_changes-0-sequence": str(StatusChange._meta.get_field("sequence").default),
            "status_changes-0-status": "",
            "status_changes-0-note": "",
            **{f"status_changes-0-date_{part}": "" for part in ("year", "month", "day")},
            "status_changes-0-date_precision": "",
            "status_changes-0-date_as_written": "",
        }
    )
    assert curator_login.post(url, data).status_code == 302
    assert not StatusChange.objects.exists()


def test_a_source_published_in_a_year_round_trips_in_the_places_admin(curator_login: Any) -> None:
    source = SourceFactory()
    url = admin_url(Source, "change", source.pk)
    response = save(
        curator_login,
        url,
        published_year="2004",
        published_month="",
        published_day="",
        published_precision="year",
        published_as_written="1383 SH",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    source.refresh_from_db()
    assert (source.published, source.published_precision) == (datetime.date(2004, 1, 1), "year")
    assert boxes(curator_login.get(url), "published") == ("2004", "", "", "year", "1383 SH")


def test_persian_digits_typed_in_the_year_are_read(curator_login: Any) -> None:
    partnership = PartnershipFactory(established=None, established_precision="")
    url = admin_url(Partnership, "change", partnership.pk)
    response = save(curator_login, url, established_year="۱۹۹۸", established_precision="year")
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.established == datetime.date(1998, 1, 1)


WRONG = [
    (
        {"established_year": "1998", "established_day": "5", "established_precision": "year"},
        "The precision is “year”: clear the month and the day, or choose a finer precision.",
    ),
    (
        {"established_year": "1998", "established_month": "13", "established_precision": "month"},
        "There is no month 13: give a number from 1 to 12.",
    ),
    (
        {
            "established_year": "1998",
            "established_month": "2",
            "established_day": "31",
            "established_precision": "day",
        },
        "February 1998 has no day 31.",
    ),
    (
        {"established_year": "1998", "established_month": "5", "established_precision": ""},
        "Choose the precision of the date: year, month or day.",
    ),
    (
        {"established_year": "", "established_precision": "year"},
        "Give the year of the date, or clear its precision.",
    ),
    (
        {"established_year": "1998", "established_month": "", "established_precision": "day"},
        "The precision is “day”: give the month too.",
    ),
    (
        {"established_year": "1998", "established_month": "3", "established_precision": "day"},
        "The precision is “day”: give the day too.",
    ),
    (  # a forged month: the select offers names, the post must still be 1-12
        {"established_year": "1998", "established_month": "x", "established_precision": "month"},
        "Give the month as a number from 1 to 12.",
    ),
    (
        {"established_year": "nineteen", "established_precision": "year"},
        "Give the year as a number, e.g. 1998.",
    ),
    (
        {
            "established_year": "2000",
            "established_precision": "year",
            "ended_year": "1999",
            "ended_precision": "year",
        },
        "A partnership cannot end before it is established.",
    ),
]


@pytest.mark.parametrize(("typed", "message"), WRONG)
def test_a_wrong_date_is_refused_with_a_message(
    curator_login: Any, typed: dict[str, str], message: str
) -> None:
    partnership = PartnershipFactory(
        established=datetime.date(1990, 1, 1), established_precision="year"
    )
    url = admin_url(Partnership, "change", partnership.pk)
    blank = {
        f"established_{part}": "" for part in ("year", "month", "day", "precision", "as_written")
    }
    response = save(curator_login, url, **{**blank, **typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    partnership.refresh_from_db()
    assert (partnership.established, partnership.established_precision) == (
        datetime.date(1990, 1, 1),
        "year",
    )
    # The boxes keep what was typed, for the person to correct.
    assert boxes(response, "established")[0] == typed["established_year"]


def test_a_date_posted_as_one_iso_value_is_read_at_its_precision(curator_login: Any) -> None:
    """Scripts (and the form before the boxes) post the column: "2000-05-01" and "year"."""
    low, high = CityFactory(), CityFactory()
    url = admin_url(Partnership, "add")
    data = {
        **submitted(curator_login.get(url)),
        "city_a": low.pk,
        "city_b": high.pk,
        "kind": "sister_city",
        "publication_state": "draft",
    }
    for part in ("year", "month", "day", "precision", "as_written"):
        data.pop(f"established_{part}", None)
    data.update({"established": "2000-05-01", "established_precision": "year"})
    assert curator_login.post(url, data).status_code == 302
    partnership = Partnership.objects.get()
    assert (partnership.established, partnership.established_precision) == (
        datetime.date(2000, 1, 1),
        "year",
    )


def test_the_history_gives_each_date_at_its_precision(curator_login: Any) -> None:
    partnership = PartnershipFactory(established=None, established_precision="")
    url = admin_url(Partnership, "change", partnership.pk)
    for year, month, precision in (("1998", "", "year"), ("1998", "5", "month")):
        response = save(
            curator_login,
            url,
            established_year=year,
            established_month=month,
            established_precision=precision,
        )
        assert response.status_code == 302
    history = curator_login.get(admin_url(Partnership, "history", partnership.pk))
    html = " ".join(history.content.decode().split())
    assert "<strong>Established:</strong> 1998 &nbsp;&rarr;&nbsp;&nbsp;May 1998" in html
    assert "1998-01-01" not in html and "1998-05-01" not in html
    assert "<strong>Established (precision):</strong> year &nbsp;&rarr;&nbsp;&nbsp;month" in html


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("it", "Il mese 13 non esiste: indica un numero da 1 a 12."),
        ("fa", "ماه 13 وجود ندارد"),
        ("vi", "Không có tháng 13"),
    ],
)
def test_the_message_is_in_the_curators_language(
    curator_login: Any, language: str, message: str
) -> None:
    partnership = PartnershipFactory()
    url = admin_url(Partnership, "change", partnership.pk)
    data = {
        **submitted(curator_login.get(url)),
        "established_year": "1998",
        "established_month": "13",
        "established_precision": "month",
    }
    response = curator_login.post(f"/{language}{url}", data)  # the admin under /it/ etc.
    assert response.status_code == 200
    assert message in response.content.decode()


class Options(HTMLParser):
    """The options (value, label) of the select named ``name``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.inside = name, False
        self.options: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "select":
            self.inside = attributes.get("name") == self.name
        elif tag == "option" and self.inside:
            self.options.append([attributes.get("value") or "", ""])

    def handle_data(self, data: str) -> None:
        if self.inside and self.options:
            self.options[-1][1] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.inside = False


def month_options(response: Any, name: str) -> list[tuple[str, str]]:
    parser = Options(name)
    parser.feed(response.content.decode())
    return [(value, label) for value, label in parser.options]


@pytest.mark.parametrize(
    ("prefix", "march", "december"),
    [("", "March", "December"), ("/it", "Marzo", "Dicembre"), ("/fa", "مارس", "دسامبر")],
)
def test_the_month_is_chosen_by_its_name_in_the_curators_language(
    curator_login: Any, prefix: str, march: str, december: str
) -> None:
    partnership = PartnershipFactory(established=None, established_precision="")
    url = f"{prefix}{admin_url(Partnership, 'change', partnership.pk)}"
    options = month_options(curator_login.get(url), "established_month")
    assert [value for value, _ in options] == ["", *(str(number) for number in range(1, 13))]
    assert options[3] == ("3", march) and options[12] == ("12", december)

    # Chosen and saved at the month's precision, it is the chosen month when opened again.
    response = save(
        curator_login,
        url,
        established_year="2003",
        established_month="3",
        established_precision="month",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    partnership.refresh_from_db()
    assert (partnership.established, partnership.established_precision) == (
        datetime.date(2003, 3, 1),
        "month",
    )
    again = curator_login.get(url)
    assert boxes(again, "established") == ("2003", "3", "", "month", "")
    assert f'<option value="3" selected>{march}</option>' in again.content.decode()


def test_a_page_read_only_gives_the_date_at_its_precision(
    editor_client: Any, florence: Any
) -> None:
    """A city editor reads a published partnership of their city without changing it: the
    year-only date is "1998", not the 1 January the column holds."""
    partnership = PartnershipFactory(
        city_a=florence, established=datetime.date(1998, 1, 1), established_precision="year"
    )
    response = editor_client.get(admin_url(Partnership, "change", partnership.pk))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert '<div class="readonly">1998</div>' in html
    assert "Jan. 1, 1998" not in html and "January 1, 1998" not in html
    assert "Established:" in html


def test_the_partnership_list_filters_by_decade_not_by_fake_day(curator_login: Any) -> None:
    nineties = PartnershipFactory(
        established=datetime.date(1998, 1, 1), established_precision="year"
    )
    later = PartnershipFactory(established=datetime.date(2005, 5, 1), established_precision="month")
    unknown = PartnershipFactory(established=None, established_precision="")
    url = admin_url(Partnership, "changelist")
    page = curator_login.get(url).content.decode()
    assert "?established_decade=1990" in page and "1990–1999" in page
    assert "date_hierarchy" not in page and "January 1" not in page

    def listed(decade: str) -> set[int]:
        response = curator_login.get(url, {"established_decade": decade})
        assert response.status_code == 200
        return {row.pk for row in response.context["cl"].result_list}

    assert listed("1990") == {nineties.pk}
    assert listed("2000") == {later.pk}
    assert listed("none") == {unknown.pk}
    assert listed("199") == listed("abc") == listed("٢٠٠٠") == set()
