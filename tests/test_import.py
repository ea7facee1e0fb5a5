"""Real data in: the gazetteer and the bulk partnership import, row by row accounted for."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements import importing
from agreements.importing import import_partnerships
from agreements.models import Partnership, PartnershipFacet
from cities.gazetteer import Gazetteer, load_geonames
from cities.models import Citation, City, CityName, Source

from .factories import CityFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
GERMAN = (DATA / "twintowns-de-excerpt.csv").read_text(encoding="utf-8")
WIKIDATA = (DATA / "wikidata-excerpt.csv").read_text(encoding="utf-8")
# The gazetteer of the countries the excerpts need (the United States left out: the largest).
EXCERPT_COUNTRIES = {"DE", "FR", "ES", "CZ", "PL", "HU", "BY", "PT", "IT", "JP", "IR"}


@pytest.fixture(scope="module")
def geonames() -> list[dict[str, Any]]:
    return [e for e in load_geonames() if e["countrycode"] in EXCERPT_COUNTRIES]


@pytest.fixture(scope="module")
def named_towns(geonames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The smaller towns of cities500 the German excerpt names, as ``load_open_data`` adds
    them: a partner found in no gazetteer waits in the unmatched queue (tests/test_unmatched.py)."""
    from agreements.importing import RowRejected, read_rows, read_twintowns_de
    from cities.normalise import search_key

    wanted = set()
    for number_, raw in read_rows(GERMAN):
        try:
            row = read_twintowns_de(raw, number_)
        except RowRejected:
            continue
        for place in (row.place_a, row.place_b):
            wanted.update((place.country, search_key(name)) for name in place.names[:2])
    have = {e["geonameid"] for e in geonames}
    return [
        e
        for e in load_geonames("cities500")
        if (e["countrycode"], search_key(e["name"])) in wanted
        and e["geonameid"] not in have
        and e["countrycode"] in EXCERPT_COUNTRIES
    ]


@pytest.fixture
def gazetteer(geonames: list[dict[str, Any]], named_towns: list[dict[str, Any]]) -> None:
    Gazetteer(geonames + named_towns).load()


def snapshot() -> dict[str, int]:
    return {
        "partnerships": Partnership.objects.count(),
        "cities": City.objects.count(),
        "names": CityName.objects.count(),
        "citations": Citation.objects.count(),
        "sources": Source.objects.count(),
    }


# -- Gazetteer ---------------------------------------------------------------------------------


def test_the_gazetteer_loads_cities_with_coordinates_and_names_in_many_scripts(
    geonames: list[dict[str, Any]],
) -> None:
    report = Gazetteer(geonames).load()
    assert report.created == len(geonames) > 1000
    rome = City.objects.get(geonames_id=3169070)
    assert rome.country.code == "IT" and rome.latitude is not None and rome.population
    assert rome.pk in set(City.objects.matching("Рим").values_list("pk", flat=True))
    assert rome.pk in set(City.objects.matching("ローマ").values_list("pk", flat=True))
    assert not CityName.objects.filter(city=rome, name="ROM").exists()  # airport codes skipped


def test_the_gazetteer_is_idempotent_and_leaves_curated_fields_alone(
    geonames: list[dict[str, Any]],
) -> None:
    curated = CityFactory(name="Florence", slug="florence", country="IT", latitude=None)
    curated.latitude, curated.longitude, curated.population = 43.8, 11.2, None
    curated.save()
    first = Gazetteer(geonames).load()
    assert first.matched_by_name >= 1
    curated.refresh_from_db()
    assert curated.geonames_id == 3176959  # matched by name and country
    assert (float(curated.latitude), float(curated.longitude)) == (43.8, 11.2)  # untouched
    assert curated.population == 367150  # was empty: filled
    assert curated.name == "Florence" and curated.slug == "florence"
    before = snapshot()
    second = Gazetteer(geonames).load()
    assert (second.created, second.filled, second.names_added) == (0, 0, 0)
    assert snapshot() == before


def test_import_cities_command_loads_the_chosen_countries() -> None:
    out = io.StringIO()
    call_command("import_cities", countries="SM,VA", stdout=out)
    assert City.objects.filter(country="SM").exists()
    assert set(City.objects.values_list("country", flat=True)) <= {"SM", "VA"}
    assert "Cities created" in out.getvalue()


# -- The German partnerships --------------------------------------------------------------------


@pytest.mark.usefixtures("gazetteer")
def test_every_row_of_the_german_file_is_accounted_for() -> None:
    report = import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    rows = list(csv.DictReader(io.StringIO(GERMAN)))
    counts = report.counts
    assert sum(counts.values()) == len(rows) == 17
    # Arlington (the United States are not in the test gazetteer): no city is made up from the
    # list's geocode; the row waits for a curator (tests/test_unmatched.py). So do the two
    # Kreise's partnerships with the Wojewodschaft Jelenia Góra, a region known to nothing.
    waiting = [o.row for o in report.outcomes if o.result == "waiting"]
    assert waiting == [2, 6, 13]
    assert [o.row for o in report.outcomes] == list(range(2, 19))
    reasons = {o.row: o.reason for o in report.outcomes if o.result == "rejected"}
    assert reasons == {
        12: "the partner's country is missing or unknown",
        14: "the German side is an association of municipalities",
        16: "no form of partnership given (p, f or k)",
        17: "ambiguous country name: Congo",
    }
    assert counts["merged"] == 1  # Aachen–Reims, repeated at the end of the file
    assert Partnership.objects.count() == counts["imported"] == 9


@pytest.mark.usefixtures("gazetteer")
def test_german_rows_become_partnerships_matched_to_known_cities() -> None:
    aachen = City.objects.get(name="Aachen", country="DE")
    reims = City.objects.get(name="Reims", country="FR")
    report = import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    partnership = Partnership.objects.between(aachen, reims).get()
    assert (partnership.kind, str(partnership.established_when)) == ("sister_city", "1967")
    assert partnership.status == ""  # the file does not say: left empty, not guessed
    assert partnership.publication_state == "draft"
    friendship = Partnership.objects.get(city_b__name="Montebourg")
    assert friendship.kind == "friendship"  # form f
    assert Partnership.objects.filter(city_a__name="Affing").get().kind == "cooperation"  # k
    # Vratimov (Rattimau): matched or created under its local name, not the exonym.
    vratimov = City.objects.get(country="CZ", search_key="vratimov")
    assert vratimov.name == "Vratimov"
    # Altdorf b. Nürnberg is the gazetteer's Altdorf bei Nürnberg (1.1 km): one city, not two.
    altdorf = next(o for o in report.outcomes if o.city_a.startswith("Altdorf bei"))
    assert altdorf.city_a_match == "proximity"
    # The file is the source of each partnership; the citation says what its row states.
    citation = Citation.objects.for_object(partnership).get()
    assert citation.source.publisher.startswith("Dominik Muench")
    assert citation.excerpt == ""  # a table: no German prose to quote
    assert citation.excerpt_en == (
        "Aachen, Nordrhein-Westfalen, Germany – Reims, France: Partnerschaft (twinning) since 1967"
    )
    assert citation.locator == "TwinTowns_clean.csv, row 4"
    assert PartnershipFacet.objects.filter(record=partnership, facet="country").count() == 2


@pytest.mark.usefixtures("gazetteer")
def test_a_second_run_changes_nothing() -> None:
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    before = snapshot()
    again = import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    assert snapshot() == before
    assert again.counts["imported"] == 0
    assert again.counts["merged"] == 10 and again.counts["rejected"] == 4
    assert again.counts["waiting"] == 3
    assert again.cities_created == 0


@pytest.mark.usefixtures("gazetteer")
def test_a_dry_run_reports_and_saves_nothing() -> None:
    before = snapshot()
    report = import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv", dry_run=True)
    assert report.counts["imported"] == 9
    assert snapshot() == before


@pytest.mark.usefixtures("gazetteer")
def test_a_failure_midway_leaves_nothing_half_written(monkeypatch: Any) -> None:
    before = snapshot()
    original = importing.save_partnership
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("the disk is full")
        return original(*args, **kwargs)

    monkeypatch.setattr(importing, "save_partnership", failing)
    with pytest.raises(RuntimeError):
        import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv")
    assert snapshot() == before


@pytest.mark.usefixtures("gazetteer")
def test_published_imports_reach_the_public_site(client: Any) -> None:
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv", publish=True)
    response = client.get(reverse("directory:partnership-list"), {"country": "DE"})
    assert response.context["page"].paginator.count == 9


@pytest.mark.usefixtures("gazetteer")
def test_the_command_prints_the_summary_and_writes_the_report(tmp_path: Path) -> None:
    source = tmp_path / "TwinTowns_clean.csv"
    source.write_text(GERMAN, encoding="utf-8")
    out = io.StringIO()
    report_path = tmp_path / "report.csv"
    call_command(
        "import_partnerships",
        str(source),
        profile="twintowns-de",
        report=str(report_path),
        stdout=out,
    )
    assert "Imported: 9" in out.getvalue() and "Rejected: 4" in out.getvalue()
    assert "Waiting for a match: 3" in out.getvalue()
    rows = list(csv.DictReader(io.StringIO(report_path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 17
    assert {row["result"] for row in rows} == {"imported", "merged", "rejected", "waiting"}


def test_the_command_refuses_an_unreadable_file(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\xff\xfe\x00not utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_partnerships", str(broken), profile="wikidata")


# -- Wikidata pairs ----------------------------------------------------------------------------


@pytest.mark.usefixtures("gazetteer")
def test_wikidata_pairs_match_by_id_then_by_name_and_country() -> None:
    berlin = City.objects.get(name="Berlin", country="DE")
    berlin.wikidata_id = "Q64"
    berlin.save()
    report = import_partnerships(WIKIDATA, "wikidata", "twinned.csv")
    outcomes = {o.row: o for o in report.outcomes}
    assert outcomes[3].city_a_match == "id"  # Berlin, by its Wikidata id
    assert outcomes[2].city_a_match == "name"  # Rome, by label and country...
    assert City.objects.get(wikidata_id="Q220").name == "Rome"  # ...and now it has its id
    assert outcomes[5].result == "merged"  # Paris–Rome is Rome–Paris
    assert outcomes[6].reason == "no country for a side: cannot match or create it"
    assert outcomes[6].notes == ["Q999999999"]
    assert outcomes[7].reason == "both sides are the same city"
    assert outcomes[8].reason == "item_a is not a Wikidata id"
    assert outcomes[9].reason == "a date-time without its precision: 1958-06-15T00:00:00Z"
    ids = ["Q220", "Q90"]
    rome_paris = Partnership.objects.get(city_a__wikidata_id__in=ids, city_b__wikidata_id__in=ids)
    assert rome_paris.established_when.iso == "1956-01-30"  # precision 11: a day
    names = ["Florence", "Isfahan"]
    florence_isfahan = Partnership.objects.get(city_a__name__in=names, city_b__name__in=names)
    assert (florence_isfahan.established_precision, florence_isfahan.established.year) == (
        "year",
        1998,
    )
    counts = report.counts
    assert counts["imported"] + counts["merged"] + counts["rejected"] == 8


# -- In the admin ------------------------------------------------------------------------------


@pytest.mark.usefixtures("gazetteer")
def test_staff_preview_then_confirm_an_import_in_the_admin(curator_client: Any) -> None:
    url = reverse("admin:agreements_partnership_import")
    assert curator_client.get(url).status_code == 200
    upload = io.BytesIO(GERMAN.encode())
    upload.name = "TwinTowns_clean.csv"
    preview = curator_client.post(url, {"file": upload, "profile": "twintowns-de"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Imported: 9" in html and "the German side is an association of municipalities" in html
    assert "Waiting for a match: 3" in html
    assert Partnership.objects.count() == 0  # nothing saved by the preview
    token = preview.context["token"]
    done = curator_client.post(
        url, {"confirm": "1", "token": token, "profile": "twintowns-de", "name": "x.csv"}
    )
    assert done.status_code == 302
    assert Partnership.objects.count() == 9
    again = curator_client.post(url, {"confirm": "1", "token": token, "profile": "twintowns-de"})
    assert again.status_code == 302 and Partnership.objects.count() == 9  # token used up


def test_the_admin_import_refuses_a_file_that_is_not_utf8(curator_client: Any) -> None:
    upload = io.BytesIO(b"\xff\xfe\x00\x01")
    upload.name = "latin.csv"
    response = curator_client.post(
        reverse("admin:agreements_partnership_import"), {"file": upload, "profile": "wikidata"}
    )
    assert response.status_code == 200
    assert "not UTF-8 text" in response.content.decode()


def test_the_admin_import_is_for_staff_only(client: Any, django_user_model: Any) -> None:
    url = reverse("admin:agreements_partnership_import")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))
    assert client.get(url).status_code == 403


# -- The shipped open data ---------------------------------------------------------------------

P190 = DATA / "wikidata-p190-excerpt.csv"  # 31 rows of data/wikidata-p190/pairs.csv


@pytest.mark.usefixtures("gazetteer")
def test_wikidata_pairs_match_by_geonames_id_before_names() -> None:
    report = import_partnerships(P190.read_text(encoding="utf-8"), "wikidata", "pairs.csv")
    by_pair = {(o.city_a, o.city_b): o for o in report.outcomes if o.result != "rejected"}
    tours = by_pair[("Tours", "Mülheim")]  # "Mülheim an der Ruhr" in the file
    assert (tours.city_a_match, tours.city_b_match) == ("geonames", "geonames")
    mulheim = City.objects.get(geonames_id=2867838)
    assert mulheim.wikidata_id == "Q2899"  # the gazetteer city now carries the item's id
    # A place outside the loaded gazetteer is created with the file's GeoNames id, so that
    # loading a larger gazetteer later finds it instead of adding a second Obernkirchen.
    obernkirchen = City.objects.get(wikidata_id="Q570427")
    assert (obernkirchen.name, obernkirchen.geonames_id) == ("Obernkirchen", 2859532)
    assert City.objects.get(wikidata_id="Q3935").country.code == "NA"  # Namibia, not missing
    rejected = [o for o in report.outcomes if o.result == "rejected"]
    assert [(o.row, o.reason, o.notes) for o in rejected] == [
        (13, "no country for a side: cannot match or create it", ["São Paulo"])
    ]


@pytest.fixture
def open_data(monkeypatch: Any) -> None:
    from agreements.management.commands import load_open_data

    monkeypatch.setattr(
        load_open_data,
        "OPEN_DATA",
        [(str(P190), "wikidata"), (str(DATA / "twintowns-de-excerpt.csv"), "twintowns-de")],
    )


@pytest.mark.usefixtures("gazetteer", "open_data")
def test_load_open_data_imports_both_files_published_then_skips_them() -> None:
    out = io.StringIO()
    call_command("load_open_data", stdout=out)
    assert "wikidata-p190-excerpt.csv (wikidata)" in out.getvalue()
    assert "twintowns-de-excerpt.csv (twintowns-de)" in out.getvalue()
    assert Partnership.objects.count() == Partnership.objects.published().count() > 35
    assert Source.objects.count() == 2
    before = snapshot()
    again = io.StringIO()
    call_command("load_open_data", stdout=again)
    assert again.getvalue().splitlines() == [
        f"{P190}: already loaded",
        f"{DATA / 'twintowns-de-excerpt.csv'}: already loaded",
    ]
    assert snapshot() == before


@pytest.mark.usefixtures("gazetteer", "open_data")
def test_load_open_data_imports_a_file_that_changed_since() -> None:
    call_command("load_open_data", stdout=io.StringIO())
    source = Source.objects.get(publisher="Wikidata")
    source.note = "Imported from pairs.csv (SHA-256 0123456789abcdef…) with profile wikidata."
    source.save()  # as if an older pairs.csv had been loaded
    out = io.StringIO()
    call_command("load_open_data", stdout=out)
    assert "Imported: 0" in out.getvalue()  # the same rows: nothing new
    assert "already loaded" in out.getvalue()  # the German excerpt
    assert "SHA-256 0123456789abcdef" in Source.objects.get(pk=source.pk).note  # both kept


@pytest.mark.usefixtures("gazetteer")
def test_an_imported_partnership_page_cites_its_row_in_words_not_as_a_dump(client: Any) -> None:
    import_partnerships(GERMAN, "twintowns-de", "TwinTowns_clean.csv", publish=True)
    import_partnerships(P190.read_text(encoding="utf-8"), "wikidata", "pairs.csv", publish=True)
    aachen_reims = Partnership.objects.get(
        city_a__name__in=["Aachen", "Reims"],
        kind="sister_city",
        city_b__name__in=["Aachen", "Reims"],
    )
    page = client.get(reverse("directory:partnership-detail", args=[aachen_reims.slug]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "municipality=" not in html and "plz=" not in html and "=Reims" not in html
    assert "Aachen, Nordrhein-Westfalen, Germany – Reims, France: Partnerschaft" in html
    assert "TwinTowns_clean.csv, row 4" in html
    tours = Partnership.objects.get(
        city_a__wikidata_id__in=["Q288", "Q2899"], city_b__wikidata_id__in=["Q288", "Q2899"]
    )
    html = client.get(reverse("directory:partnership-detail", args=[tours.slug])).content.decode()
    statement = "Tours (Q288) — twinned administrative body (P190) — Mülheim an der Ruhr (Q2899)"
    assert statement in html
    assert "pairs.csv, row 25" in html
    assert "item_a=" not in html and "Q288 P190" not in html


@pytest.mark.usefixtures("gazetteer", "open_data")
def test_load_open_data_adds_the_geonames_places_the_pairs_name_from_cities500() -> None:
    assert not City.objects.filter(geonames_id=2859532).exists()  # not in cities15000
    out = io.StringIO()
    call_command("load_open_data", stdout=out)
    # Obernkirchen and Karpacz (under 15,000 people), Windhoek (outside the test gazetteer).
    assert "GeoNames places the file names, added from cities500: 3" in out.getvalue()
    obernkirchen = City.objects.get(geonames_id=2859532)
    # GeoNames' record, not one made from the file's label: population and other names.
    assert obernkirchen.population and CityName.objects.filter(city=obernkirchen).exists()
    assert obernkirchen.wikidata_id == "Q570427"  # matched by GeoNames id, then given its item
    assert Partnership.objects.filter(city_b=obernkirchen).exists() or (
        Partnership.objects.filter(city_a=obernkirchen).exists()
    )


@pytest.mark.parametrize("stated", ["1998-13", "1998-02-30", "0000"])
def test_an_impossible_date_rejects_its_row_not_the_whole_file(stated: str) -> None:
    """A date no calendar has is the row's fault: it is rejected with its reason and the
    other rows import (it used to raise ValueError: the whole import failed, a 500 in the
    admin)."""
    header, first, second, *_ = GERMAN.splitlines()
    broken = first.replace(",1993,p,", f",{stated},p,")
    assert broken != first
    text = "\n".join([header, broken, second]) + "\n"
    report = import_partnerships(text, "twintowns-de", "excerpt.csv")
    assert report.outcomes[0].result == "rejected"
    assert report.outcomes[0].reason == f"no such date: {stated}"
    assert report.outcomes[1].result != "rejected" or "date" not in report.outcomes[1].reason


def test_a_german_kreis_is_a_region_of_its_own_with_its_partnerships(
    geonames: list[dict[str, Any]],
) -> None:
    """A Kreis keeps partnerships of its own: it becomes a place at the region level under its
    name without the seat the list adds, never folded into its seat's town, and without the
    postcode geocode (sometimes another Land's); its partner, a region, waits for a curator
    unless known."""
    Gazetteer(geonames).load()
    header, *_ = GERMAN.splitlines()
    row = (
        '"Oldenburg (Kreis) (Wildeshausen)",27793,Niedersachsen,Lower Saxony,52.9,8.43,'
        '"Wildeshausen, 27793, Niedersachsen, Germany",Bergerac,Frankreich,France,Europa,Europe,'
        '1983,p,44.85,0.48,"Bergerac, France"\n'
    )
    report = import_partnerships(f"{header}\n{row}", "twintowns-de", "excerpt.csv")
    assert report.outcomes[0].result == "imported", report.outcomes[0].reason
    kreis = City.objects.get(name="Oldenburg (Kreis)")
    assert (kreis.level, kreis.country.code, kreis.latitude) == ("region", "DE", None)
    partnership = Partnership.objects.get()
    assert kreis.pk in (partnership.city_a_id, partnership.city_b_id)
    assert not City.objects.filter(name="Wildeshausen", level="region").exists()
