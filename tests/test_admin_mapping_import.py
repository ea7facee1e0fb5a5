"""The admin import of a file of neither profile (issue 12): upload, choose the columns from
its header, preview the first rows without saving, import with a report of every row.

The file's rows are partnerships of the German municipal list (tests/data/
twintowns-de-excerpt.csv), its columns renamed and separated by semicolons."""

import csv
import io
from typing import Any

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import translation

from agreements import admin_import, admin_mapping
from agreements.models import Partnership
from cities.models import Citation, City, CityName, Source

from .conftest import admin_url
from .factories import CityFactory

pytestmark = pytest.mark.django_db

URL = "/admin/agreements/partnership/import/"
FILE = (
    "Stadt;Land;Partnerstadt;Partnerland;Jahr\n"
    "Aachen;DE;Reims;FR;1967\n"
    "Aachen;Germany;Toledo;Spain;1985\n"
    "Berlin;DE;Paris;France;1987\n"
    "Dresden;Deutschland;Brazzaville;Congo;1975\n"
    "Aachen;DE;Reims;FR;1967\n"
    "Altena;DE;Pinsk;BY;ca. 1990\n"
)
MAPPING = {
    "map_city_a": "Stadt",
    "map_country_a": "Land",
    "map_city_b": "Partnerstadt",
    "map_country_b": "Partnerland",
    "map_established": "Jahr",
    "source_title": "Städtepartnerschaften (TwinTowns_clean.csv, columns renamed)",
}


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def known_cities() -> None:
    """The places of the file's good rows, as the gazetteer would have loaded them."""
    for name, country in [
        ("Aachen", "DE"),
        ("Reims", "FR"),
        ("Toledo", "ES"),
        ("Berlin", "DE"),
        ("Paris", "FR"),
    ]:
        CityFactory(name=name, slug=name.lower(), country=country)


def upload(text: str | bytes, name: str = "partnerstaedte.csv") -> io.BytesIO:
    handle = io.BytesIO(text.encode() if isinstance(text, str) else text)
    handle.name = name
    return handle


def snapshot() -> dict[str, int]:
    return {
        "partnerships": Partnership.objects.count(),
        "cities": City.objects.count(),
        "names": CityName.objects.count(),
        "citations": Citation.objects.count(),
        "sources": Source.objects.count(),
    }


def start(client: Any, text: str | bytes = FILE, **extra: str) -> Any:
    return client.post(URL, {"file": upload(text), "profile": "mapped", **extra})


def step(client: Any, token: str, which: str, **fields: str) -> Any:
    return client.post(URL, {"mapping": "1", "token": token, "step": which, **fields})


# -- The round trip -------------------------------------------------------------------------------


@pytest.mark.usefixtures("known_cities")
def test_a_curator_maps_previews_and_imports_a_file_of_neither_profile(
    curator_login: Any,
) -> None:
    page = curator_login.get(URL).content.decode()
    assert "Other file (choose the columns)" in page

    chosen = start(curator_login)
    assert chosen.status_code == 200
    form = chosen.context["mapping_form"]
    # The columns guessed from the header's German names.
    assert {name: form.initial.get(f"map_{name}") for name in admin_mapping.REQUIRED} == {
        "city_a": "Stadt",
        "country_a": "Land",
        "city_b": "Partnerstadt",
        "country_b": "Partnerland",
    }
    assert form.initial["map_established"] == "Jahr"
    html = chosen.content.decode()
    assert '<option value="Partnerstadt" selected>Partnerstadt</option>' in html
    assert '<label for="id_map_city_a" class="required">City A: name:</label>' in html
    token = chosen.context["token"]

    before = snapshot()
    preview = step(curator_login, token, "preview", **MAPPING)
    assert preview.status_code == 200
    assert snapshot() == before  # the preview saved nothing
    rows = {row["outcome"].row: row for row in preview.context["preview"]}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7]
    aachen, reims = rows[2]["sides"]
    assert (aachen["written"], aachen["city"], str(aachen["how"])) == (
        "Aachen, DE",
        "Aachen",
        "known place, by name and country",
    )
    assert reims["city"] == "Reims"
    # "Deutschland" is Germany (CLDR's German name); "Congo" is two countries.
    assert rows[5]["outcome"].reason == "ambiguous country name: Congo"
    assert rows[6]["outcome"].result == "merged"  # the same pair again
    assert rows[7]["outcome"].reason == "unreadable date: ca. 1990"
    html = preview.content.decode()
    assert "known place, by name and country" in html and "Import 6 rows" in html

    done = step(curator_login, token, "import", publish="on", **MAPPING)
    assert done.status_code == 200
    report = done.context["report"]
    assert len(report.outcomes) == 6  # every row accounted for
    assert dict(report.counts) == {"imported": 3, "merged": 1, "rejected": 2}
    assert Partnership.objects.published().count() == 3
    aachen_reims = Partnership.objects.get(
        city_a__name__in=["Aachen", "Reims"], city_b__name="Reims"
    )
    assert aachen_reims.established.year == 1967
    assert aachen_reims.citations.get().source.title == MAPPING["source_title"]

    # The report, as a file: every row with its result.
    html = done.content.decode()
    assert "Rejected: 2" in html
    link = reverse("admin:agreements_partnership_import") + "?report="
    download = curator_login.get(link + done.context["report_token"])
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [line["result"] for line in lines] == [
        "imported",
        "imported",
        "imported",
        "rejected",
        "merged",
        "rejected",
    ]

    # The upload is used up: the same form again is refused, nothing imported twice.
    again = step(curator_login, token, "import", publish="on", **MAPPING)
    assert again.status_code == 400 and "already done" in again.content.decode()
    assert Partnership.objects.count() == 3


@pytest.mark.usefixtures("known_cities")
def test_a_published_mapped_import_is_on_the_public_pages_without_a_restart(
    client: Any, curator: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PUBLIC_PAGE_CACHE = True  # as in production: whole pages cached
    assert "Reims" not in client.get("/partnerships/").content.decode()
    assert client.get("/api/v1/partnerships/").json()["count"] == 0
    client.force_login(curator)
    token = start(client).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        step(client, token, "import", publish="on", **MAPPING)
    client.logout()
    assert "Reims" in client.get("/partnerships/").content.decode()
    assert client.get("/api/v1/partnerships/").json()["count"] == 3


@pytest.mark.usefixtures("known_cities")
def test_unticked_publish_imports_drafts_the_public_does_not_see(curator_login: Any) -> None:
    token = start(curator_login).context["token"]
    step(curator_login, token, "import", **MAPPING)
    assert Partnership.objects.count() == 3
    assert not Partnership.objects.published().exists()


@pytest.mark.parametrize(
    "text",
    [
        FILE.replace(";", ","),
        FILE.replace(";", "\t"),
        "\ufeff" + FILE,  # Excel's UTF-8 with a byte-order mark
        "\ufeffsep=;\r\n" + FILE.replace("\n", "\r\n"),  # and its line naming the delimiter
    ],
    ids=["comma", "tab", "bom", "excel-sep"],
)
def test_commas_tabs_and_a_byte_order_mark_are_read_alike(curator_login: Any, text: str) -> None:
    chosen = start(curator_login, text.encode())
    assert chosen.status_code == 200
    choices = [
        value for value, _label in chosen.context["mapping_form"].fields["map_city_a"].choices
    ]
    assert choices[1:] == ["Stadt", "Land", "Partnerstadt", "Partnerland", "Jahr"]
    assert chosen.context["rows"] == 6


@pytest.mark.usefixtures("known_cities")
def test_an_impossible_date_rejects_its_row_not_the_file(curator_login: Any) -> None:
    text = FILE.replace("Berlin;DE;Paris;France;1987", "Berlin;DE;Paris;France;1987-13")
    token = start(curator_login, text).context["token"]
    preview = step(curator_login, token, "preview", **MAPPING)
    assert preview.status_code == 200
    done = step(curator_login, token, "import", **MAPPING)
    assert done.status_code == 200
    outcomes = {o.row: o for o in done.context["report"].outcomes}
    assert len(outcomes) == 6
    assert outcomes[4].reason == "no such date: 1987-13"
    assert outcomes[2].result == "imported"


# -- Bad files and bad forms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"just one line of text\nand another\n", "The file has no header row"),
        (b"Stadt;Partnerstadt\n", "no rows of partnerships"),
        (b"Stadt;Stadt;Land\nA;B;DE\n", "The header names a column twice: Stadt."),
        (b"PK\x03\x04\x00\x00\x08\x00binary", "This is a binary file"),
        (b"\xff\xfe\x00S\x00t", "not UTF-8 text"),
    ],
    ids=["empty", "no-header", "no-rows", "duplicate", "binary", "not-utf8"],
)
def test_an_unreadable_file_gets_a_clear_message_and_a_400(
    curator_login: Any, content: bytes, message: str
) -> None:
    response = start(curator_login, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot()["partnerships"] == 0


def test_a_file_too_large_is_refused(curator_login: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(admin_import, "MAX_UPLOAD", 2 * 2**20)
    response = start(curator_login, FILE + "Aachen;DE;Reims;FR;1967\n" * 120_000)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()


@pytest.mark.usefixtures("known_cities")
def test_a_missing_required_column_is_named_and_nothing_is_imported(curator_login: Any) -> None:
    token = start(curator_login).context["token"]
    incomplete = {**MAPPING, "map_country_b": ""}
    for which in ("preview", "import"):
        response = step(curator_login, token, which, **incomplete)
        assert response.status_code == 400
        assert response.context["mapping_form"].errors["map_country_b"] == [
            "Choose the column that holds this."
        ]
    assert "Choose the column that holds this." in response.content.decode()
    same = step(curator_login, token, "preview", **{**MAPPING, "map_city_b": "Stadt"})
    assert same.status_code == 400
    assert "cannot be read from the same column" in same.content.decode()
    assert snapshot()["partnerships"] == 0


@pytest.mark.usefixtures("known_cities")
def test_a_column_the_file_does_not_have_is_refused(curator_login: Any) -> None:
    token = start(curator_login).context["token"]
    response = step(curator_login, token, "import", **{**MAPPING, "map_city_a": "password"})
    assert response.status_code == 400
    assert not Partnership.objects.exists()


# -- Attacks --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("known_cities")
def test_a_tampered_or_forged_file_token_is_refused(
    curator_login: Any, curator: Any, django_user_model: Any
) -> None:
    token = start(curator_login).context["token"]
    payload, _sep, signature = token.rpartition(":")
    tampered = f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    forged = [
        tampered,
        "imports/1-mapped-" + "a" * 32,
        "../../twinning/settings.py",
        # Well signed (had the key leaked) yet naming a path, or another user's upload.
        signing.dumps({"user": curator.pk, "key": "../../etc/passwd"}, salt=admin_mapping.SALT),
        signing.dumps({"user": curator.pk + 1, "key": "a" * 32}, salt=admin_mapping.SALT),
    ]
    for bad in forged:
        response = step(curator_login, bad, "import", publish="on", **MAPPING)
        assert response.status_code == 400, bad
        assert "upload the file again" in response.content.decode()
    # Another curator replaying this curator's genuine token.
    other = django_user_model.objects.create_superuser("other", "other@example.org", "pw")
    curator_login.force_login(other)
    assert step(curator_login, token, "import", publish="on", **MAPPING).status_code == 400
    assert not Partnership.objects.exists()
    # The report link is checked the same way.
    assert curator_login.get(URL + "?report=" + tampered).status_code == 400


@pytest.mark.usefixtures("known_cities")
def test_a_city_editor_can_neither_map_nor_publish_nor_import_other_cities(
    client: Any, editor: Any, curator: Any, florence: City
) -> None:
    """The import is a curator's tool (issue 15): a Florence editor cannot use the mapping to
    publish, nor to import the partnerships of Aachen or Berlin, even with a curator's token."""
    client.force_login(curator)
    token = start(client).context["token"]
    client.force_login(editor)
    assert client.get(URL).status_code == 403
    assert start(client, publish="on").status_code == 403
    assert step(client, token, "preview", **MAPPING).status_code == 403
    assert step(client, token, "import", publish="on", **MAPPING).status_code == 403
    own = "Stadt;Land;Partnerstadt;Partnerland\nFlorence;IT;Reims;FR\n"
    assert start(client, own).status_code == 403
    assert not Partnership.objects.exists()
    changelist = client.get(admin_url(Partnership, "changelist")).content.decode()
    assert "Import partnerships" not in changelist


def test_anonymous_visitors_are_sent_to_the_login_page(client: Any) -> None:
    assert start(client).status_code == 302
    response = client.post(URL, {"mapping": "1", "token": "x", "step": "import", **MAPPING})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get(URL + "?report=x").status_code == 302
    assert not Partnership.objects.exists()


def test_an_abandoned_upload_is_deleted_once_its_token_has_expired(
    curator_login: Any, settings: Any
) -> None:
    import os
    import time

    start(curator_login)
    (abandoned,) = (settings.MEDIA_ROOT / "imports").iterdir()
    expired = time.time() - admin_mapping.TOKEN_AGE - 60
    os.utime(abandoned, (expired, expired))
    start(curator_login)
    (kept,) = (settings.MEDIA_ROOT / "imports").iterdir()
    assert kept != abandoned


# -- In the four languages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label"),
    [("it", "Città A: nome"), ("fa", "شهر الف: نام"), ("vi", "Thành phố A: tên")],
)
def test_the_mapping_form_speaks_the_admins_language(
    curator_login: Any, language: str, label: str
) -> None:
    with translation.override(language):
        url = reverse("admin:agreements_partnership_import")
    response = curator_login.post(url, {"file": upload(FILE), "profile": "mapped"})
    assert response.status_code == 200
    assert label in response.content.decode()


@pytest.mark.usefixtures("known_cities")
def test_an_ended_column_imports_the_end_and_the_status_ended(curator_login: Any) -> None:
    text = (
        "Stadt;Land;Partnerstadt;Partnerland;Jahr;Ende;Status\n"
        "Aachen;DE;Reims;FR;1967;2003-05;\n"
        "Aachen;DE;Toledo;ES;1985;1979;\n"
        "Berlin;DE;Paris;FR;1987;2001;active\n"
    )
    chosen = start(curator_login, text)
    token = chosen.context["token"]
    # "Ende" is guessed as the end, "Status" as the status.
    assert chosen.context["mapping_form"].initial.get("map_ended") == "Ende"
    mapping = {**MAPPING, "map_ended": "Ende", "map_status": "Status", "publish": "on"}
    done = step(curator_login, token, "import", **mapping)
    assert done.status_code == 200
    outcomes = {o.row: o for o in done.context["report"].outcomes}
    assert outcomes[2].result == "imported"
    assert outcomes[3].reason == "the end is before the start"
    assert outcomes[4].reason == "an end date with the status active"
    reims = Partnership.objects.get(city_b__name="Reims")
    assert (reims.status, reims.ended_when.iso, reims.established_when.iso) == (
        "ended",
        "2003-05",
        "1967",
    )
    assert Partnership.objects.count() == 1  # the two rejected rows wrote nothing
    page = curator_login.get(reims.get_absolute_url()).content.decode()
    assert "May 2003" in page
