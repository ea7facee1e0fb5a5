"""No phantom cities (issue 12): a place that matches nothing with confidence waits in the
unmatched places queue; a curator matches, creates or rejects it, and its rows import then."""

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from agreements.importing import import_partnerships
from agreements.models import Partnership, UnmatchedPlace, WaitingRow
from cities.models import City, CityName

from .conftest import admin_url
from .factories import CityFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "municipality,latitude,longitude,partnergemeinde,country,seit,form,"
    "partner_latitude,partner_longitude"
)
# Aachen is known; Brive-la-Gaillarde is, but the file misspells it; its geocode is Brittany's.
GERMAN = "\n".join(
    [
        HEADER,
        "Aachen,50.776,6.0872,Brivela Gaillarde,France,1970,p,48.2,-3.0",
        "Aachen,50.776,6.0872,Toledo,Spain,1985,p,39.86,-4.02",
        "Aachen,50.776,6.0872,Brivela Gaillarde,France,1970,f,48.2,-3.0",
    ]
)
WIKIDATA = (
    "item_a,item_a_label,item_a_country,item_a_lat,item_a_lon,item_b,item_b_label,"
    "item_b_country,item_b_lat,item_b_lon\n"
    "Q1017,Aachen,DE,50.776,6.0872,Q999999,Nowhereville,FR,45.16,1.53\n"
)


@pytest.fixture
def cities() -> dict[str, City]:
    return {
        "aachen": CityFactory(
            name="Aachen", slug="aachen", country="DE", latitude=50.776, longitude=6.0872
        ),
        "toledo": CityFactory(
            name="Toledo", slug="toledo", country="ES", latitude=39.86, longitude=-4.02
        ),
        "brive": CityFactory(
            name="Brive-la-Gaillarde", slug="brive", country="FR", latitude=45.16, longitude=1.53
        ),
    }


def german(publish: bool = True) -> Any:
    return import_partnerships(GERMAN, "twintowns-de", "twintowns.csv", publish=publish)


def test_an_untrusted_partner_name_waits_instead_of_becoming_a_city(cities: Any) -> None:
    report = german()
    assert report.counts == {"imported": 1, "waiting": 2}
    assert report.places_waiting == 1
    assert not City.objects.filter(name__icontains="Brivela").exists()
    place = UnmatchedPlace.objects.get()
    assert (place.name, place.country.code, place.rows_waiting) == ("Brivela Gaillarde", "FR", 2)
    assert (place.profile, float(place.latitude)) == ("twintowns-de", 48.2)
    rows = list(WaitingRow.objects.order_by("line"))
    assert [(r.line, r.publish, r.raw["form"]) for r in rows] == [(2, True, "p"), (4, True, "f")]
    assert "Waiting for a match: 2" in report.summary()
    table = list(csv.reader(io.StringIO(report.csv().lstrip("\ufeff"))))
    assert [line[1] for line in table[1:]] == ["waiting", "imported", "waiting"]


def test_a_wikidata_item_is_trusted_and_created(cities: Any) -> None:
    report = import_partnerships(WIKIDATA, "wikidata", "pairs.csv")
    assert report.counts == {"imported": 1}
    assert City.objects.filter(wikidata_id="Q999999").exists()
    assert not UnmatchedPlace.objects.exists()


def test_a_dry_run_stores_no_queue(cities: Any) -> None:
    report = import_partnerships(GERMAN, "twintowns-de", "t.csv", dry_run=True)
    assert report.counts["waiting"] == 2
    assert not UnmatchedPlace.objects.exists() and not WaitingRow.objects.exists()


def test_importing_the_same_file_again_adds_no_queue_entries(cities: Any) -> None:
    german()
    again = german()
    assert again.counts == {"merged": 1, "waiting": 2}
    assert UnmatchedPlace.objects.count() == 1 and WaitingRow.objects.count() == 2
    assert UnmatchedPlace.objects.get().rows_waiting == 2


def decide(client: Any, place: UnmatchedPlace, **data: Any) -> Any:
    return client.post(admin_url(UnmatchedPlace, "decide", place.pk), data)


def test_matching_a_place_imports_its_rows_published_and_remembers_the_name(
    cities: Any, curator_login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    german()
    del connection.run_on_commit[:]  # as when the import's own transaction has committed
    place = UnmatchedPlace.objects.get()
    page = curator_login.get(admin_url(UnmatchedPlace, "change", place.pk))
    assert page.status_code == 200
    assert "Brive-la-Gaillarde" in page.content.decode()  # a candidate by name and nearness
    assert "<svg" in page.content.decode()
    before = curator_login.get("/api/v1/partnerships/").json()["count"]
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(curator_login, place, action="match", city=cities["brive"].pk)
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.status, place.city, place.rows_waiting) == ("matched", cities["brive"], 0)
    assert set(WaitingRow.objects.values_list("status", flat=True)) == {"imported"}
    brive = Partnership.objects.filter(city_a=cities["brive"]) | Partnership.objects.filter(
        city_b=cities["brive"]
    )
    assert brive.count() == 2 and {p.publication_state for p in brive} == {"published"}
    # The public sees them at once: the API and Brive's page.
    assert curator_login.get("/api/v1/partnerships/").json()["count"] == before + 2
    assert "Aachen" in curator_login.get("/cities/brive/").content.decode()
    # Remembered: the name is Brive's now, and the next import matches it.
    assert CityName.objects.filter(city=cities["brive"], name="Brivela Gaillarde").exists()
    assert german().counts == {"merged": 3}


def test_a_draft_import_stays_a_draft_when_its_rows_import_later(
    cities: Any, curator_login: Any
) -> None:
    german(publish=False)
    place = UnmatchedPlace.objects.get()
    decide(curator_login, place, action="match", city=cities["brive"].pk)
    states = set(
        Partnership.objects.filter(city_b=cities["brive"]).values_list(
            "publication_state", flat=True
        )
    ) | set(
        Partnership.objects.filter(city_a=cities["brive"]).values_list(
            "publication_state", flat=True
        )
    )
    assert states == {"draft"}


def test_create_as_written_needs_a_confirmation(cities: Any, curator_login: Any) -> None:
    german()
    place = UnmatchedPlace.objects.get()
    assert decide(curator_login, place, action="create").status_code == 400
    assert not City.objects.filter(name="Brivela Gaillarde").exists()
    decide(curator_login, place, action="create", confirm="yes")
    created = City.objects.get(name="Brivela Gaillarde")
    assert float(created.latitude) == 48.2
    assert (
        Partnership.objects.filter(city_b=created).count()
        + Partnership.objects.filter(city_a=created).count()
        == 2
    )


def test_a_rejected_place_rejects_its_rows_now_and_at_the_next_import(
    cities: Any, curator_login: Any
) -> None:
    german()
    place = UnmatchedPlace.objects.get()
    decide(curator_login, place, action="reject")
    assert set(WaitingRow.objects.values_list("status", flat=True)) == {"rejected"}
    again = german()
    assert again.counts == {"merged": 1, "rejected": 2}
    assert again.reasons == {"a curator rejected the place": 2}


def test_bad_decisions_get_a_clear_400_and_a_place_is_decided_once(
    cities: Any, curator_login: Any
) -> None:
    german()
    place = UnmatchedPlace.objects.get()
    assert decide(curator_login, place, action="match", city="x").status_code == 400
    assert decide(curator_login, place, action="match", city="999999").status_code == 400
    assert decide(curator_login, place, action="explode").status_code == 400
    assert curator_login.get(admin_url(UnmatchedPlace, "decide", place.pk)).status_code == 405
    decide(curator_login, place, action="reject")
    decide(curator_login, place, action="match", city=cities["brive"].pk)
    place.refresh_from_db()
    assert place.status == "rejected"
    missing = reverse("admin:agreements_unmatchedplace_decide", args=[999999])
    assert curator_login.post(missing, {"action": "reject"}).status_code == 404


def test_the_queue_is_for_curators_only(
    cities: Any, client: Any, editor: Any, curator: Any
) -> None:
    german()
    place = UnmatchedPlace.objects.get()
    changelist = admin_url(UnmatchedPlace, "changelist")
    curator_login = editor_client = client
    client.force_login(curator)
    listing = curator_login.get(changelist + "?q=brivela")
    assert listing.status_code == 200 and "Brivela Gaillarde" in listing.content.decode()
    assert curator_login.get(changelist + "?country=FR").status_code == 200
    client.force_login(editor)
    # A city editor (of Florence) neither sees nor decides; nor does anyone anonymous.
    assert editor_client.get(changelist).status_code == 403
    assert editor_client.get(admin_url(UnmatchedPlace, "change", place.pk)).status_code == 403
    assert decide(editor_client, place, action="reject").status_code == 403
    editor_client.logout()
    assert decide(client, place, action="reject").status_code == 302  # to the login page
    place.refresh_from_db()
    assert place.status == "waiting" and WaitingRow.objects.filter(status="waiting").count() == 2


def test_the_command_and_the_data_page_count_the_rows_waiting(
    cities: Any, client: Any, tmp_path: Any
) -> None:
    path = tmp_path / "twintowns.csv"
    path.write_text(GERMAN, encoding="utf-8")
    out = io.StringIO()
    call_command("import_partnerships", str(path), profile="twintowns-de", stdout=out)
    assert "Waiting for a match: 2" in out.getvalue()
    page = client.get(reverse("directory:data")).content.decode()
    assert "2 rows wait for a curator to match a place" in page
    # In Persian: its digits, its words.
    persian = client.get("/fa" + reverse("directory:data")).content.decode()
    assert "در انتظار تطبیق" in persian and "۲ ردیف منتظرند" in persian


def test_a_place_can_be_created_from_the_gazetteer_entry(curator_login: Any) -> None:
    CityFactory(name="Aachen", slug="aachen", country="DE", latitude=50.776, longitude=6.0872)
    german()  # Brive-la-Gaillarde is not in the directory: GeoNames has it
    place = UnmatchedPlace.objects.get(name="Brivela Gaillarde")
    page = curator_login.get(admin_url(UnmatchedPlace, "change", place.pk)).content.decode()
    assert "Brive-la-Gaillarde" in page and 'value="3029974"' in page
    assert decide(curator_login, place, action="gazetteer", geonames="1").status_code == 400
    decide(curator_login, place, action="gazetteer", geonames="3029974")
    brive = City.objects.get(geonames_id=3029974)
    assert brive.name == "Brive-la-Gaillarde" and brive.population
    assert (
        Partnership.objects.filter(city_b=brive).count()
        + Partnership.objects.filter(city_a=brive).count()
        == 2
    )


def test_matching_a_city_that_has_namesakes_needs_a_check_first(
    cities: Any, curator_login: Any
) -> None:
    """Two Brive-la-Gaillardes in France: the curator is told both apart (region,
    coordinates) and must say which one the file means before anything is matched."""
    other = CityFactory(
        name="Brive-la-Gaillarde",
        slug="brive-2",
        country="FR",
        subdivision="Hauts-de-France",
        latitude=50.1,
        longitude=2.9,
    )
    german()
    place = UnmatchedPlace.objects.get()
    page = curator_login.get(admin_url(UnmatchedPlace, "change", place.pk)).content.decode()
    assert "1 other city of this name in this country" in page
    assert "Hauts-de-France · 50.10, 2.90" in page
    assert 'name="namesake" value="yes" required' in page
    refused = decide(curator_login, place, action="match", city=cities["brive"].pk)
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/plain")
    assert "has namesakes in France" in refused.content.decode()
    assert "Hauts-de-France" in refused.content.decode()
    place.refresh_from_db()
    assert place.status == "waiting" and not Partnership.objects.filter(city_b=other).exists()
    done = decide(curator_login, place, action="match", city=cities["brive"].pk, namesake="yes")
    assert done.status_code == 302
    place.refresh_from_db()
    assert (place.status, place.city) == ("matched", cities["brive"])


def test_creating_a_place_that_the_directory_already_names_needs_a_second_check(
    cities: Any, curator_login: Any
) -> None:
    german()
    place = UnmatchedPlace.objects.get()
    # A city already called "Brivela Gaillarde" in France (by another of its names).
    CityName.objects.create(city=cities["brive"], name="Brivela Gaillarde", language="fr")
    page = curator_login.get(admin_url(UnmatchedPlace, "change", place.pk)).content.decode()
    assert "already has cities of this name in this country" in page
    refused = decide(curator_login, place, action="create", confirm="yes")
    assert refused.status_code == 400
    assert "already has Brive-la-Gaillarde" in refused.content.decode()
    assert City.objects.filter(country="FR").count() == 1
    decide(curator_login, place, action="create", confirm="yes", namesake="yes")
    assert City.objects.filter(name="Brivela Gaillarde", country="FR").exists()


def test_a_namesake_message_is_plain_text_whatever_the_name(
    cities: Any, curator_login: Any
) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    CityFactory(name="Brive-la-Gaillarde", slug="brive-2", country="FR", subdivision=hostile)
    german()
    place = UnmatchedPlace.objects.get()
    page = curator_login.get(admin_url(UnmatchedPlace, "change", place.pk)).content.decode()
    assert hostile not in page
    refused = decide(curator_login, place, action="match", city=cities["brive"].pk)
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/plain")
