"""A file with neither known layout, imported by naming its columns (``--map``)."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Partnership, PartnershipKind
from cities.models import Citation, City

from .factories import CityFactory

pytestmark = pytest.mark.django_db

FILE = """Stadt,Land,Partnerstadt,Partnerland,Jahr,Art
Florence,Italy,Kyoto,JP,1965,friendship
Florence,IT,Atlantis,Atlantis,1970,
Florence,IT,,FR,1971,
Florence,IT,Reims,France,1975,love
"""
MAP = [
    "city_a=Stadt",
    "country_a=Land",
    "city_b=Partnerstadt",
    "country_b=Partnerland",
    "established=Jahr",
    "kind=Art",
]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    CityFactory(name="Florence", country="IT", geonames_id=3176959)
    CityFactory(name="Kyoto", country="JP", geonames_id=1857910)
    path = tmp_path / "partners.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


def run(path: Path, *maps: str, **options: Any) -> str:
    out = io.StringIO()
    options.setdefault("source_title", "Partnerships of Florence, a list")
    call_command("import_partnerships", str(path), map=list(maps or MAP), stdout=out, **options)
    return out.getvalue()


def test_mapped_columns_import_the_rows_and_report_every_rejected_one(csv_file: Path) -> None:
    summary = run(csv_file, publish=True, report=str(csv_file.with_suffix(".report.csv")))
    partnership = Partnership.objects.published().get()
    assert {partnership.city_a.name, partnership.city_b.name} == {"Florence", "Kyoto"}
    assert partnership.kind == PartnershipKind.FRIENDSHIP
    assert (partnership.established.year, partnership.established_precision) == (1965, "year")
    citation = Citation.objects.get()
    assert citation.source.title == "Partnerships of Florence, a list"
    assert citation.excerpt_en == "Florence, Italy – Kyoto, JP: kind friendship, since 1965"
    report = csv_file.with_suffix(".report.csv").read_text()
    assert "the country of city_b is missing or unknown" in report  # Atlantis
    assert "no name for city_b" in report
    assert "unknown kind: love" in report
    assert "Rows: 4" in summary and "Imported: 1" in summary and "Rejected: 3" in summary
    assert not City.objects.filter(name="Atlantis").exists()


@pytest.mark.parametrize(
    ("maps", "options", "message"),
    [
        (["city_a=Stadt", "country_a=Land", "city_b=Partner", "country_b=Partnerland"], {},
         "no column Partner; its columns: Stadt, Land"),
        (["city_a=Stadt", "country_a=Land", "city_b=Partnerstadt"], {}, "country_b"),
        (["city_a=Stadt", "country_a=Land", "city_b=Partnerstadt", "country_b=Partnerland",
          "mayor=Jahr"], {}, "unknown fields: mayor"),
        (MAP, {"source_title": ""}, "name the source"),
        (MAP, {"profile": "wikidata"}, "either --profile or --map"),
        (["city_a"], {}, "FIELD=COLUMN"),
    ],
)  # fmt: skip
def test_a_wrong_mapping_is_refused_with_a_clear_message_and_nothing_is_written(
    csv_file: Path, maps: list[str], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(csv_file, *maps, **options)
    assert not Partnership.objects.exists()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("germania", "DE"),
        ("آلمان", "DE"),
        ("Đức", "DE"),
        ("Vereinigtes Königreich", "GB"),
        ("DEU", "DE"),
        ("fra", "FR"),
        ("Italy", "IT"),
        ("IT", "IT"),
        ("Atlantis", ""),
    ],
)
def test_a_country_is_read_in_the_languages_registries_write(written: str, code: str) -> None:
    from agreements.importing import country_code

    assert country_code(written) == code


@pytest.mark.parametrize("written", ["Congo", "Kongo"])
def test_a_country_name_of_two_countries_is_refused_not_guessed(written: str) -> None:
    from agreements.importing import RowRejected, country_code

    with pytest.raises(RowRejected, match="ambiguous country name"):
        country_code(written)
