"""Attacks of 2 December (second round) on the day's new write paths: merging and reverting,
"prefer this claim", the unmatched places queue, the mapping import, partner searches and
translated texts. Each test asserts the safe behaviour: it passes when the system is safe.

Roles as in tests/test_permission_matrix.py: an anonymous visitor, a staff user without
rights, the editor of Florence (city A), the editor of Ostrelle (city B), a curator.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from agreements.admin_mapping import SALT
from agreements.models import CulturalProject, MergeLog, Partnership
from cities.models import City
from editors.models import CityAssignment
from publishing.publication import PublicationState

from .factories import CityFactory, PartnershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
IMPORT = "/admin/agreements/partnership/import/"


# -- roles -------------------------------------------------------------------------------------


@pytest.fixture
def ostrelle() -> City:
    return CityFactory(name="Ostrelle", slug="ostrelle", country="FR")


@pytest.fixture
def roles(django_user_model: Any, editor: Any, curator: Any, ostrelle: City) -> dict[str, Any]:
    """A client for each role (the anonymous one logged in as nobody)."""
    plain = django_user_model.objects.create_user("plain-staff", password="pw", is_staff=True)
    other = django_user_model.objects.create_user("ostrelle-editor", password="pw", is_staff=True)
    other.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=other, city=ostrelle)
    clients: dict[str, Any] = {"anonymous": Client()}
    for name, user in (
        ("staff", plain),
        ("editor_a", editor),
        ("editor_b", other),
        ("curator", curator),
    ):
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


NOT_CURATORS = ["anonymous", "staff", "editor_a", "editor_b"]


def refused(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/login/" in response["Location"]
    return response.status_code in (403, 404, 405) or (
        response.status_code == 302 and response["Location"] == reverse("admin:index")
    )


def rows() -> dict[str, list[Any]]:
    """What the new write paths could change."""
    return {
        "cities": list(City.objects.order_by("pk").values_list("pk", "name", "slug")),
        "partnerships": list(
            Partnership.objects.order_by("pk").values_list(
                "pk", "city_a", "city_b", "slug", "publication_state", "established"
            )
        ),
        "merges": list(MergeLog.objects.order_by("pk").values_list("pk", "reverted_at")),
    }


# -- merging and reverting: curators only -------------------------------------------------------


@pytest.fixture
def duplicates(florence: City, ostrelle: City, curator: Any) -> dict[str, Any]:
    """Florence's partnership recorded twice, a phantom Florence, and one standing merge."""
    from agreements.merging import merge

    first = PartnershipFactory(city_a=florence, city_b=ostrelle, slug="florence-ostrelle")
    second = PartnershipFactory(
        city_a=florence, city_b=ostrelle, slug="florence-ostrelle-2", kind="friendship"
    )
    phantom = CityFactory(name="Florence (phantom)", slug="florence-phantom", country="IT")
    spare = CityFactory(name="Florence spare", slug="florence-spare", country="IT")
    done = merge(florence, spare, curator)
    return {
        "first": first,
        "second": second,
        "phantom": phantom,
        "log": done.log,
    }


@pytest.mark.parametrize("role", NOT_CURATORS)
def test_nobody_but_a_curator_previews_merges_or_reverts(
    roles: dict[str, Any], duplicates: dict[str, Any], florence: City, role: str
) -> None:
    client = roles[role]
    first, second, phantom, log = (duplicates[k] for k in ("first", "second", "phantom", "log"))
    before = rows()
    city_ids = f"{florence.pk},{phantom.pk}"
    pair_ids = f"{first.pk},{second.pk}"
    for address, data in (
        (reverse("admin:cities_city_merge"), {"ids": city_ids, "kept": phantom.pk}),
        (reverse("admin:agreements_partnership_merge"), {"ids": pair_ids, "kept": second.pk}),
        (reverse("admin:cities_city_merges"), {}),
        (reverse("admin:agreements_partnership_merges"), {}),
        (reverse("admin:cities_city_merge_revert", args=[log.pk]), {}),
    ):
        assert refused(client.get(address, data), role), (role, address)
        assert refused(client.post(address, {**data, "merge": "1"}), role), (role, address)
    # The changelist action, forged.
    for model, ids in (
        ("cities/city", [florence.pk, phantom.pk]),
        ("agreements/partnership", [first.pk, second.pk]),
    ):
        client.post(f"/admin/{model}/", {"action": "merge_selected", "_selected_action": ids})
    assert rows() == before


@pytest.mark.parametrize(
    "ids", ["²,³", "٣,٤", "1,abc", "1", "1,1", "-1,2", "99999999999999999999,1", ",", "1,2,3"]
)
def test_odd_record_numbers_in_a_merge_are_a_400_or_404_not_a_500(
    curator_login: Client, duplicates: dict[str, Any], ids: str
) -> None:
    for model in ("cities_city", "agreements_partnership"):
        address = reverse(f"admin:{model}_merge")
        assert curator_login.get(address, {"ids": ids}).status_code in (400, 404)
        assert curator_login.post(address, {"ids": ids, "merge": "1"}).status_code in (400, 404)


def test_a_kept_record_outside_the_pair_merges_nothing(
    curator_login: Client, duplicates: dict[str, Any], ostrelle: City
) -> None:
    first, second = duplicates["first"], duplicates["second"]
    before = rows()
    for kept in (10**6, "²", "abc", f"{first.pk} "):
        response = curator_login.post(
            reverse("admin:agreements_partnership_merge"),
            {"ids": f"{first.pk},{second.pk}", "kept": kept, "merge": "1"},
        )
        assert response.status_code == 400, kept
        assert rows() == before


def test_a_city_merge_log_is_not_reverted_through_the_partnership_address(
    curator_login: Client, duplicates: dict[str, Any]
) -> None:
    log = duplicates["log"]
    before = rows()
    wrong = reverse("admin:agreements_partnership_merge_revert", args=[log.pk])
    assert curator_login.post(wrong).status_code == 404
    assert (
        curator_login.get(reverse("admin:cities_city_merge_revert", args=[2**62])).status_code
        == 404
    )
    assert rows() == before


def test_a_merged_city_with_a_hostile_name_is_escaped_on_every_merge_screen(
    curator_login: Client, florence: City
) -> None:
    evil = CityFactory(name=f"Florence{HOSTILE}", slug="florence-evil", country="IT")
    address = reverse("admin:cities_city_merge")
    preview = curator_login.get(address, {"ids": f"{florence.pk},{evil.pk}"})
    assert preview.status_code == 200
    assert HOSTILE not in preview.content.decode()
    done = curator_login.post(
        address, {"ids": f"{florence.pk},{evil.pk}", "kept": florence.pk, "merge": "1"}, follow=True
    )
    assert done.status_code == 200
    assert HOSTILE not in done.content.decode()
    log = MergeLog.objects.get(parent=None)
    for page in (
        reverse("admin:cities_city_merges"),
        reverse("admin:cities_city_merge_revert", args=[log.pk]),
        f"/admin/cities/city/{florence.pk}/change/",
    ):
        html = curator_login.get(page).content.decode()
        assert HOSTILE not in html, page


def test_the_old_address_of_a_partnership_merged_into_a_draft_is_not_found(
    client: Client, florence: City, ostrelle: City, curator: Any
) -> None:
    """A merged partnership's address redirects only to a public record kept."""
    from agreements.merging import merge

    kept = PartnershipFactory(
        city_a=florence, city_b=ostrelle, slug="kept-draft", publication_state="draft"
    )
    removed = PartnershipFactory(
        city_a=florence, city_b=ostrelle, slug="florence-ostrelle", kind="friendship"
    )
    merge(kept, removed, curator)
    response = client.get("/partnerships/florence-ostrelle/")
    assert response.status_code == 404
    assert "kept-draft" not in response.get("Location", "")


# -- prefer this claim ---------------------------------------------------------------------------


@pytest.fixture
def claimed(florence: City, ostrelle: City) -> dict[str, Any]:
    """A draft partnership of Florence with a claim of a year other than the record's."""
    from agreements.claims import Claim, ClaimField
    from cities.models import Source

    source = Source.objects.create(title="A municipal list")
    draft = PartnershipFactory(city_a=florence, publication_state="draft")
    other = PartnershipFactory(city_a=ostrelle, publication_state="draft")
    make = {
        "field": ClaimField.ESTABLISHED,
        "source": source,
        "date": datetime.date(1977, 1, 1),
        "date_precision": "year",
    }
    claim = Claim.objects.create(partnership=draft, **make)
    foreign = Claim.objects.create(partnership=other, **make)
    return {"draft": draft, "other": other, "claim": claim, "foreign": foreign}


@pytest.mark.parametrize("role", ["anonymous", "staff", "editor_b"])
def test_only_the_partnerships_own_editors_or_a_curator_prefer(
    roles: dict[str, Any], claimed: dict[str, Any], role: str
) -> None:
    draft = claimed["draft"]
    before = rows()
    address = reverse("admin:agreements_partnership_prefer", args=[draft.pk])
    assert refused(roles[role].post(address, {"claim": claimed["claim"].pk}), role)
    assert rows() == before


def test_an_editor_prefers_no_claim_of_another_citys_partnership_through_their_own(
    roles: dict[str, Any], claimed: dict[str, Any]
) -> None:
    """Florence's editor names their draft in the address and Ostrelle's claim in the form."""
    before = rows()
    draft, foreign = claimed["draft"], claimed["foreign"]
    address = reverse("admin:agreements_partnership_prefer", args=[draft.pk])
    assert roles["editor_a"].post(address, {"claim": foreign.pk}).status_code == 404
    theirs = reverse("admin:agreements_partnership_prefer", args=[claimed["other"].pk])
    assert roles["editor_a"].post(theirs, {"claim": foreign.pk}).status_code in (403, 404)
    assert rows() == before


# -- the unmatched places queue: curators only --------------------------------------------------


@pytest.fixture
def waiting_place() -> Any:
    from agreements.models import UnmatchedPlace

    from .test_unmatched import german

    CityFactory(name="Aachen", slug="aachen", country="DE", latitude=50.776, longitude=6.0872)
    CityFactory(name="Toledo", slug="toledo", country="ES", latitude=39.86, longitude=-4.02)
    CityFactory(
        name="Brive-la-Gaillarde", slug="brive", country="FR", latitude=45.16, longitude=1.53
    )
    german()
    return UnmatchedPlace.objects.get()


@pytest.mark.parametrize("role", NOT_CURATORS)
def test_nobody_but_a_curator_opens_or_decides_the_queue(
    roles: dict[str, Any], waiting_place: Any, role: str
) -> None:
    client = roles[role]
    before = rows()
    base = "/admin/agreements/unmatchedplace/"
    for address in (base, f"{base}{waiting_place.pk}/change/"):
        assert refused(client.get(address), role), address
    brive = City.objects.get(slug="brive")
    for data in (
        {"action": "match", "city": brive.pk},
        {"action": "create", "confirm": "yes"},
        {"action": "reject"},
    ):
        assert refused(client.post(f"{base}{waiting_place.pk}/decide/", data), role), data
    waiting_place.refresh_from_db()
    assert waiting_place.status == "waiting"
    assert rows() == before


@pytest.mark.parametrize("number", ["²", "9" * 5000, "99999999999999999999", "-1", "1.5", "abc"])
def test_an_odd_city_number_in_a_queue_decision_is_a_400_not_a_500(
    curator_login: Client, waiting_place: Any, number: str
) -> None:
    before = rows()
    response = curator_login.post(
        f"/admin/agreements/unmatchedplace/{waiting_place.pk}/decide/",
        {"action": "match", "city": number},
    )
    assert response.status_code in (400, 404)
    waiting_place.refresh_from_db()
    assert waiting_place.status == "waiting"
    assert rows() == before


@pytest.mark.parametrize("number", ["²", "٣", "99999999999999999999"])
def test_an_odd_place_number_in_the_queues_address_is_a_404_not_a_500(
    curator_login: Client, waiting_place: Any, number: str
) -> None:
    base = "/admin/agreements/unmatchedplace/"
    assert curator_login.get(f"{base}{number}/change/").status_code in (302, 404)


def test_a_hostile_place_name_from_a_file_is_escaped_in_the_queue(
    curator_login: Client, waiting_place: Any
) -> None:
    waiting_place.name = f"Brive{HOSTILE}"
    waiting_place.save()
    for address in (
        "/admin/agreements/unmatchedplace/",
        f"/admin/agreements/unmatchedplace/{waiting_place.pk}/change/",
        f"/admin/agreements/unmatchedplace/{waiting_place.pk}/change/?q={HOSTILE}",
    ):
        page = curator_login.get(address)
        assert page.status_code == 200
        assert HOSTILE not in page.content.decode(), address


def test_a_waiting_place_is_on_no_public_page(client: Client, waiting_place: Any) -> None:
    """The file's misspelt place is not a city until a curator says so."""
    for address in ("/search/?q=Brivela", "/cities/", "/api/v1/cities/?q=Brivela", "/data/"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "Brivela Gaillarde" not in response.content.decode(), address


# -- the mapping import: a curator's tool; its file tokens ---------------------------------------

MAPPABLE_FILE = (
    "Stadt,Land,Partnerstadt,Partnerland,Jahr\nAachen,DE,Reims,FR,1967\nAachen,DE,Toledo,ES,1985\n"
)


@pytest.fixture
def uploads(tmp_path: Any, settings: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def upload(client: Client, text: str = MAPPABLE_FILE, name: str = "list.csv") -> Any:
    return client.post(
        IMPORT,
        {"file": SimpleUploadedFile(name, text.encode()), "profile": "mapped"},
    )


def mapping(token: str, step: str = "import", **extra: Any) -> dict[str, Any]:
    return {
        "mapping": "1",
        "token": token,
        "step": step,
        "source_title": "A list",
        "map_city_a": "Stadt",
        "map_country_a": "Land",
        "map_city_b": "Partnerstadt",
        "map_country_b": "Partnerland",
        "map_established": "Jahr",
        "publish": "on",
        **extra,
    }


@pytest.mark.parametrize("role", NOT_CURATORS)
def test_nobody_but_a_curator_uploads_maps_or_imports(
    roles: dict[str, Any], uploads: Any, role: str
) -> None:
    client = roles[role]
    before = rows()
    assert refused(client.get(IMPORT), role)
    assert refused(upload(client), role)
    forged = signing.dumps({"user": 1, "key": "0" * 32, "name": "x"}, salt=SALT)
    assert refused(client.post(IMPORT, mapping(forged)), role)
    assert refused(
        client.post(IMPORT, {"confirm": "1", "token": "0" * 32, "profile": "wikidata"}), role
    )
    assert refused(client.get(IMPORT, {"report": forged}), role)
    assert rows() == before
    assert not list(uploads.rglob("*.csv"))


def test_a_curators_upload_token_is_no_use_to_another_curator(
    curator_login: Client, curator: Any, django_user_model: Any, uploads: Any
) -> None:
    first = upload(curator_login)
    assert first.status_code == 200
    token = first.context["token"]
    second = django_user_model.objects.create_user("curator-2", password="pw", is_staff=True)
    second.groups.add(Group.objects.get(name="Curators"))
    other = Client()
    other.force_login(second)
    before = rows()
    assert other.post(IMPORT, mapping(token)).status_code == 400
    assert rows() == before


@pytest.mark.parametrize(
    "key",
    ["../../../etc/passwd", "..%2f..%2fsecret", "/etc/passwd", "0" * 31 + "/", "A" * 32, ""],
)
def test_a_signed_token_naming_a_path_reads_nothing(
    curator_login: Client, curator: Any, uploads: Any, key: str
) -> None:
    """Even a token signed with the site's key (a leaked key, a bug elsewhere) names no path."""
    (uploads / "secret.csv").write_text("Stadt,Land\nsecret,DE\n")
    token = signing.dumps({"user": curator.pk, "key": key, "name": "x"}, salt=SALT)
    for step in ("preview", "import"):
        response = curator_login.post(IMPORT, mapping(token, step=step))
        assert response.status_code == 400
        assert "secret" not in response.content.decode()


@pytest.mark.parametrize("token", ["../secret", "..", "a/b", "x" * 5000, "²³", ""])
def test_the_profile_imports_confirmation_token_names_no_path(
    curator_login: Client, uploads: Any, token: str
) -> None:
    (uploads / "secret.csv").write_text("item_a,item_b\nQ1,Q2\n")
    before = rows()
    response = curator_login.post(IMPORT, {"confirm": "1", "token": token, "profile": "wikidata"})
    assert response.status_code in (302, 400, 403)
    assert rows() == before


@pytest.mark.parametrize(
    "text",
    [
        "Stadt,Land\n" + "\n" * 5,
        "a" * 200_000 + ",b\nx,y\n",
        '"Stadt,Land\nAachen,DE\n',  # an unclosed quote
        "Stadt;Land;Partnerstadt\n" + "Aachen;DE;" + "x" * 100_000 + "\n",
        "sep=\n",
        "\ufeffsep=;\n",
        "Stadt,Land,Partnerstadt\n" + ",".join(["x"] * 5000) + "\n",
        ",".join(f"c{n}" for n in range(3000)) + "\n" + ",".join("v" * 3000) + "\n",
    ],
)
def test_an_odd_or_malicious_file_is_a_clear_400_or_a_mapping_never_a_500(
    curator_login: Client, uploads: Any, text: str
) -> None:
    response = upload(curator_login, text)
    assert response.status_code in (200, 400)


def test_hostile_header_and_cells_are_escaped_in_the_mapping_and_preview(
    curator_login: Client, uploads: Any
) -> None:
    text = f"Stadt{HOSTILE},Land,Partnerstadt,Partnerland\nAachen{HOSTILE},DE,Reims{HOSTILE},FR\n"
    first = upload(curator_login, text, name=f"x{HOSTILE}.csv")
    assert first.status_code == 200
    assert HOSTILE not in first.content.decode()
    token = first.context["token"]
    data = mapping(token, step="preview", map_city_a=f"Stadt{HOSTILE}", map_established="")
    preview = curator_login.post(IMPORT, data)
    assert preview.status_code == 200
    assert HOSTILE not in preview.content.decode()


def test_a_formula_in_an_imported_name_is_neutralised_in_the_report_csv(
    curator_login: Client, uploads: Any
) -> None:
    text = 'Stadt,Land,Partnerstadt,Partnerland\n=HYPERLINK("http://x"),DE,Reims,FR\n'
    token = upload(curator_login, text).context["token"]
    done = curator_login.post(IMPORT, mapping(token, map_established=""))
    assert done.status_code == 200
    report = curator_login.get(IMPORT, {"report": done.context["report_token"]})
    assert report.status_code == 200
    body = report.content.decode()
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body and not body.startswith("=")


# -- partner searches: their city's editors write, curators publish --------------------------------


def search_form(city: City, **fields: Any) -> dict[str, Any]:
    from .test_seeking import admin_form

    return admin_form(city, **fields)


def add_search_url() -> str:
    return "/admin/seeking/partnersearch/add/"


@pytest.mark.parametrize("role", ["anonymous", "staff", "editor_b"])
def test_nobody_else_writes_a_call_for_florence(
    roles: dict[str, Any], florence: City, role: str
) -> None:
    from seeking.models import PartnerSearch

    response = roles[role].post(add_search_url(), search_form(florence, title="Forged call"))
    assert response.status_code in (200, 302, 403)
    assert not PartnerSearch.objects.filter(title="Forged call").exists()


def test_an_editor_does_not_publish_their_own_call_by_a_forged_state(
    roles: dict[str, Any], florence: City
) -> None:
    from seeking.models import PartnerSearch

    roles["editor_a"].post(
        add_search_url(),
        search_form(florence, title="Self-published", publication_state="published"),
    )
    for call in PartnerSearch.objects.filter(title="Self-published"):
        assert call.publication_state != PublicationState.PUBLISHED
    assert "Self-published" not in Client().get("/seeking-partners/").content.decode()


def test_an_editor_moves_no_call_to_another_city_nor_publishes_it_by_the_action(
    roles: dict[str, Any], florence: City, ostrelle: City
) -> None:
    from .test_seeking import make_search

    call = make_search(florence, title="Florence's draft", publication_state="draft")
    client = roles["editor_a"]
    client.post(
        f"/admin/seeking/partnersearch/{call.pk}/change/",
        search_form(ostrelle, title="Florence's draft"),
    )
    client.post(
        "/admin/seeking/partnersearch/",
        {"action": "publish", "_selected_action": [call.pk]},
    )
    call.refresh_from_db()
    assert call.city_id == florence.pk
    assert call.publication_state != PublicationState.PUBLISHED
    # Ostrelle's editor neither reads nor changes it.
    other = roles["editor_b"]
    assert other.get(f"/admin/seeking/partnersearch/{call.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    other.post(
        f"/admin/seeking/partnersearch/{call.pk}/change/", search_form(ostrelle, title="Taken")
    )
    call.refresh_from_db()
    assert call.title == "Florence's draft" and call.city_id == florence.pk


def test_a_draft_or_future_call_is_on_no_public_page_feed_or_sitemap(
    client: Client, florence: City
) -> None:
    from .test_seeking import make_search

    PartnershipFactory(city_a=florence)
    hidden = [
        make_search(florence, title="Secret draft call", publication_state="draft"),
        make_search(florence, title="Secret review call", publication_state="in_review"),
        make_search(florence, title="Secret future call", starts=TODAY + 5 * DAY),
        make_search(florence, title="Secret ended call", starts=TODAY - 30 * DAY, ends=TODAY - DAY),
    ]
    for address in (
        "/seeking-partners/",
        "/seeking-partners/?q=Secret",
        "/cities/florence/",
        "/search/?q=Secret",
        "/sitemap.xml",
        "/data/",
    ):
        response = client.get(address)
        assert response.status_code in (200, 400), address
        for call in hidden:
            assert call.title not in response.content.decode(), address
    for call in hidden:
        assert client.get(f"/seeking-partners/{call.pk}/").status_code == 404
        assert client.get(f"/seeking-partners/{call.slug}/").status_code == 404
    for section in ("seeking", "partner-searches", "searches"):
        response = client.get(f"/sitemap-{section}.xml")
        if response.status_code == 200:
            assert "seeking-partners/" + hidden[0].slug not in response.content.decode()


def test_a_hostile_call_is_escaped_on_its_public_pages(client: Client, florence: City) -> None:
    from .test_seeking import make_search

    PartnershipFactory(city_a=florence)  # a city page of its own
    call = make_search(
        florence,
        title=f"Call{HOSTILE}",
        offers=f"Offers{HOSTILE}",
        looking_for=f"Seeks{HOSTILE}",
        contact_office=f"Office{HOSTILE}",
        contact_role=f"Role{HOSTILE}",
    )
    for address in ("/seeking-partners/", call.get_absolute_url(), "/cities/florence/"):
        for language in ("en", "fa"):
            response = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, address
            html = response.content.decode()
            assert HOSTILE not in html, address


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "//evil.example"]
)
def test_an_editor_cannot_give_a_call_a_script_address(
    roles: dict[str, Any], florence: City, address: str
) -> None:
    from seeking.models import PartnerSearch

    roles["editor_a"].post(
        add_search_url(), search_form(florence, title="Scripted", contact_url=address)
    )
    for call in PartnerSearch.objects.filter(title="Scripted"):
        assert call.contact_url.startswith(("https://", "http://")), call.contact_url


@pytest.mark.parametrize(
    "query",
    ["page=²", "page=99999999999999999999", "country=<x>", "theme=%00", "language=xx" * 200],
)
def test_odd_queries_of_the_seeking_list_are_a_400_or_404(client: Client, query: str) -> None:
    assert client.get(f"/seeking-partners/?{query}").status_code in (200, 400, 404)


# -- translated texts ------------------------------------------------------------------------------


def test_a_hostile_translated_summary_is_escaped_on_the_public_pages(
    client: Client, florence: City
) -> None:
    partnership = PartnershipFactory(
        city_a=florence,
        summary="An English summary.",
        summary_it=f"Riassunto{HOSTILE}",
        summary_fa=f"خلاصه{HOSTILE}",
        summary_vi=f"Tóm tắt{HOSTILE}",
    )
    for language in ("it", "fa", "vi"):
        with translation.override(language):
            address = partnership.get_absolute_url()
        for page in (address, "/partnerships/", "/cities/florence/", "/search/?q=Riassunto"):
            response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, (language, page)
            assert HOSTILE not in response.content.decode(), (language, page)


def test_a_drafts_translated_title_is_found_by_no_public_search(
    client: Client, florence: City
) -> None:
    partnership = PartnershipFactory(city_a=florence)
    draft = ProjectFactory(
        partnership=partnership,
        title="Draft project",
        title_it="Progettosegretissimo",
        title_fa="پروژه‌محرمانه",
        title_vi="Dựánbímật",
        publication_state="draft",
    )
    for query in ("Progettosegretissimo", "پروژه‌محرمانه", "Dựánbímật", "Draft"):
        for address in (
            f"/search/?q={query}",
            f"/projects/?q={query}",
            f"/api/v1/projects/?q={query}",
        ):
            response = client.get(address)
            assert response.status_code in (200, 400), address
            assert "Draft project" not in response.content.decode(), (address, query)
            assert f"/{draft.slug}/" not in response.content.decode(), (address, query)
    assert CulturalProject.objects.count() == 1


def test_an_editor_does_not_change_a_published_records_translation(
    roles: dict[str, Any], florence: City
) -> None:
    """The translation is part of the published record: a curator's, like its English text."""
    from .admin_forms import submitted

    partnership = PartnershipFactory(city_a=florence, summary="English.", summary_it="Italiano.")
    address = f"/admin/agreements/partnership/{partnership.pk}/change/"
    page = roles["curator"].get(address)
    form = submitted(page)
    form["summary_it"] = "Forged Italian."
    for role in ("editor_a", "editor_b", "staff"):
        roles[role].post(address, form)
    partnership.refresh_from_db()
    assert partnership.summary_it == "Italiano."


# -- numbers too long to read: Python refuses to convert more than 4300 digits -------------------

LONG = "9" * 5000


@pytest.mark.parametrize(
    "address",
    ["/partnerships/", "/projects/", "/cities/", "/seeking-partners/", "/search/?q=Florence&"],
)
def test_a_page_number_of_thousands_of_digits_is_a_400_or_404_not_a_500(
    client: Client, florence: City, settings: Any, address: str
) -> None:
    PartnershipFactory(city_a=florence)
    joiner = "&" if "?" in address else "?"
    for cached in (False, True):
        settings.PUBLIC_PAGE_CACHE = cached
        response = client.get(f"{address}{joiner}page={LONG}".replace("&&", "&"))
        # The search has one page of each section: it reads no page number.
        allowed = (200, 400, 404) if address.startswith("/search/") else (400, 404)
        assert response.status_code in allowed, (address, cached)


def test_a_claim_number_of_thousands_of_digits_is_a_400(
    curator_login: Client, claimed: dict[str, Any]
) -> None:
    address = reverse("admin:agreements_partnership_prefer", args=[claimed["draft"].pk])
    assert curator_login.post(address, {"claim": LONG}).status_code == 400


@pytest.mark.parametrize("part", ["year", "month", "day"])
def test_a_date_of_thousands_of_digits_is_a_form_error_not_a_500(
    curator_login: Client, florence: City, part: str
) -> None:
    from .admin_forms import submitted

    partnership = PartnershipFactory(city_a=florence)
    address = f"/admin/agreements/partnership/{partnership.pk}/change/"
    form = submitted(curator_login.get(address))
    form.update(
        {
            "established_year": "1998",
            "established_month": "5",
            "established_day": "1",
            "established_precision": "day",
        }
    )
    form[f"established_{part}"] = LONG
    response = curator_login.post(address, form)
    assert response.status_code == 200  # the form again, with its message
    partnership.refresh_from_db()
    assert partnership.established == datetime.date(1990, 1, 1)


def test_a_decade_of_thousands_of_digits_in_the_changelist_selects_nothing(
    curator_login: Client, florence: City
) -> None:
    PartnershipFactory(city_a=florence)
    response = curator_login.get("/admin/agreements/partnership/", {"established_decade": LONG})
    assert response.status_code == 200


@pytest.mark.parametrize("number", ["²", LONG])
def test_an_odd_geonames_id_in_a_profile_import_rejects_its_row_not_the_upload(
    curator_login: Client, uploads: Any, number: str
) -> None:
    text = (
        "item_a,item_a_label,item_a_country,item_a_geonames_id,item_b,item_b_label,"
        "item_b_country\n"
        f"Q1017,Aachen,DE,{number},Q999999,Nowhereville,FR\n"
    )
    response = curator_login.post(
        IMPORT, {"file": SimpleUploadedFile("pairs.csv", text.encode()), "profile": "wikidata"}
    )
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("number", ["²", LONG])
def test_an_odd_gazetteer_number_in_a_queue_decision_is_a_400_not_a_500(
    curator_login: Client, waiting_place: Any, number: str
) -> None:
    before = rows()
    response = curator_login.post(
        f"/admin/agreements/unmatchedplace/{waiting_place.pk}/decide/",
        {"action": "gazetteer", "geonames": number},
    )
    assert response.status_code in (400, 404)
    waiting_place.refresh_from_db()
    assert waiting_place.status == "waiting"
    assert rows() == before


def test_a_queue_decision_reaches_the_cached_public_pages(
    client: Client,
    curator_login: Client,
    waiting_place: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import connection

    del connection.run_on_commit[:]  # as when the import's own transaction has committed
    settings.PUBLIC_PAGE_CACHE = True
    brive = City.objects.get(slug="brive")
    PartnershipFactory(city_a=brive)  # Brive has a page before the decision
    pages = {
        address: client.get(address).content.decode() for address in ("/cities/brive/", "/data/")
    }
    assert "Aachen" not in pages["/cities/brive/"]
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_login.post(
            f"/admin/agreements/unmatchedplace/{waiting_place.pk}/decide/",
            {"action": "match", "city": brive.pk},
        )
    assert response.status_code == 302
    assert "Aachen" in client.get("/cities/brive/").content.decode()
    assert client.get("/data/").content.decode() != pages["/data/"]


# -- claims on the public page ---------------------------------------------------------------------


def test_hostile_claims_are_escaped_and_an_uncited_one_is_not_public(
    client: Client, florence: City, ostrelle: City
) -> None:
    from agreements.claims import Claim, ClaimField
    from cities.models import Citation, Source

    partnership = PartnershipFactory(city_a=florence, city_b=ostrelle)
    sources = [
        Source.objects.create(title=f"List{HOSTILE}", publisher=f"Pub{HOSTILE}"),
        Source.objects.create(title="Another list"),
    ]
    for source, year, written in ((sources[0], 1977, f"c.{HOSTILE}"), (sources[1], 1990, "")):
        citation = Citation.objects.create(
            source=source, record=partnership, excerpt=f"row{HOSTILE}", locator=f"l{HOSTILE}"
        )
        Claim.objects.create(
            partnership=partnership,
            source=source,
            citation=citation,
            field=ClaimField.ESTABLISHED,
            date=datetime.date(year, 1, 1),
            date_precision="year",
            date_as_written=written,
        )
    # A correction from the public, not yet preferred: no citation, not public.
    Claim.objects.create(
        partnership=partnership,
        source=Source.objects.create(title="Suggestion from the public"),
        field=ClaimField.ESTABLISHED,
        date=datetime.date(1903, 1, 1),
        date_precision="year",
    )
    for language in ("en", "fa"):
        html = client.get(
            partnership.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert "1977" in html or "۱۹۷۷" in html  # the disagreement is shown
        assert HOSTILE not in html
        assert "1903" not in html and "۱۹۰۳" not in html
        assert "Suggestion from the public" not in html
    api = client.get(f"/api/v1/partnerships/{partnership.slug}/").content.decode()
    assert "1903" not in api and "Suggestion from the public" not in api


def test_the_public_cannot_suggest_a_correction_of_a_draft_or_learn_it_exists(
    client: Client, florence: City, ostrelle: City
) -> None:
    draft = PartnershipFactory(
        city_a=florence, city_b=ostrelle, slug="secret-pair", publication_state="draft"
    )
    for kind in ("partnership", "partnerships"):
        address = f"/suggest/{kind}/{draft.slug}/"
        assert client.get(address).status_code == 404
        assert client.post(address, {"field": "established", "proposed": "1977"}).status_code in (
            400,
            404,
        )
    from suggestions.models import Suggestion

    assert not Suggestion.objects.exists()


def test_an_editor_writes_no_call_for_a_city_not_theirs(
    roles: dict[str, Any], ostrelle: City
) -> None:
    from seeking.models import PartnerSearch

    roles["editor_a"].post(add_search_url(), search_form(ostrelle, title="Not their city"))
    assert not PartnerSearch.objects.filter(title="Not their city").exists()


@pytest.mark.parametrize("number", ["99999999999999999999", "0", "9" * 5000])
def test_an_odd_call_number_is_a_404(client: Client, number: str) -> None:
    assert client.get(f"/seeking-partners/{number}/").status_code == 404


def test_a_draft_calls_city_country_and_interests_count_in_no_facet(
    client: Client, florence: City
) -> None:
    from .test_seeking import make_search

    hanoi = CityFactory(name="Hanoi", slug="hanoi", country="VN")
    make_search(florence, title="Public call", countries="FR")
    make_search(
        hanoi,
        title="Draft call",
        countries="BR",
        regions=["melanesia"],
        languages=["vi"],
        publication_state="draft",
    )
    for query in ("", "country=VN", "interest=BR", "region=melanesia", "language=vi"):
        response = client.get(f"/seeking-partners/?{query}")
        assert response.status_code in (200, 400), query
        html = response.content.decode()
        assert "Draft call" not in html, query
        assert "Hanoi" not in html, query
        if not query:  # a facet the visitor selected is shown, with its count of 0
            for leaked in ("Viet", "Brazil", "Melanesia"):
                assert leaked not in html, leaked
    assert client.get("/cities/hanoi/").status_code == 404


def test_a_hostile_translated_title_is_escaped_in_lists_search_and_its_page(
    client: Client, florence: City
) -> None:
    partnership = PartnershipFactory(city_a=florence)
    project = ProjectFactory(
        partnership=partnership,
        title="Music school exchange",
        title_it=f"Scambio{HOSTILE}",
        title_fa=f"تبادل{HOSTILE}",
        title_vi=f"Trao đổi{HOSTILE}",
    )
    for language, word in (("it", "Scambio"), ("fa", "تبادل"), ("vi", "Trao")):
        with translation.override(language):
            pages = [
                project.get_absolute_url(),
                partnership.get_absolute_url(),
                reverse("directory:project-list"),
                f"{reverse('directory:search')}?q={word}",
            ]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert HOSTILE not in response.content.decode(), page


def test_a_theme_outside_the_vocabulary_is_refused_not_created(
    curator_login: Client, florence: City
) -> None:
    from agreements.models import Theme

    from .admin_forms import submitted

    partnership = PartnershipFactory(city_a=florence)
    address = f"/admin/agreements/partnership/{partnership.pk}/change/"
    form = submitted(curator_login.get(address))
    before = Theme.objects.count()
    for forged in ([HOSTILE], ["new-theme"], ["²"], ["9" * 5000], ["99999999999999999999"]):
        response = curator_login.post(address, {**form, "themes": forged})
        assert response.status_code == 200, forged  # the form again, with its message
        assert HOSTILE not in response.content.decode()
    assert Theme.objects.count() == before
    assert not partnership.themes.exists()


@pytest.mark.parametrize("number", ["99999999999999999999", "9" * 5000, "²"])
def test_an_odd_city_or_theme_number_in_a_call_form_is_the_forms_message(
    roles: dict[str, Any], florence: City, number: str
) -> None:
    from seeking.models import PartnerSearch

    for field in ("city", "themes"):
        for role in ("editor_a", "curator"):
            data = {**search_form(florence, title="Odd"), field: number}
            response = roles[role].post(add_search_url(), data)
            assert response.status_code == 200, (field, role)
    assert not PartnerSearch.objects.filter(title="Odd").exists()


def test_a_city_merge_says_whose_editing_rights_move_before_it_is_done(
    curator_login: Client, florence: City, django_user_model: Any
) -> None:
    """Merging a phantom into Florence gives the phantom's editors Florence: the curator sees
    who before confirming."""
    phantom = CityFactory(name="Florence (phantom)", slug="florence-phantom", country="IT")
    user = django_user_model.objects.create_user("phantom-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=user, city=phantom)
    preview = curator_login.get(
        reverse("admin:cities_city_merge"), {"ids": f"{florence.pk},{phantom.pk}"}
    )
    assert preview.status_code == 200
    assert "phantom-editor" in preview.content.decode()
    assert not CityAssignment.objects.filter(user=user, city=florence).exists()


def test_a_hostile_source_title_waiting_in_the_queue_is_escaped_on_the_data_page(
    client: Client, waiting_place: Any
) -> None:
    source = waiting_place.source
    source.title = f"List{HOSTILE}"
    source.save()
    for language in ("en", "fa"):
        response = client.get("/data/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        html = response.content.decode()
        assert HOSTILE not in html


@pytest.mark.parametrize("page", ["²", LONG, "-1", "0", "abc"])
def test_an_odd_page_of_the_merge_lists_is_a_404(curator_login: Client, page: str) -> None:
    for name in ("cities_city_merges", "agreements_partnership_merges"):
        assert curator_login.get(reverse(f"admin:{name}"), {"page": page}).status_code == 404


BREAKOUT = "</script><img src=x onerror=alert(1)>"


def test_no_translated_text_or_call_breaks_out_of_the_pages_structured_data(
    client: Client, florence: City
) -> None:
    """A text without quotes: json.dumps leaves it as it is, so only escaping of < stops it."""
    from .test_seeking import make_search

    partnership = PartnershipFactory(
        city_a=florence,
        summary=f"Summary{BREAKOUT}",
        summary_it=f"Riassunto{BREAKOUT}",
        summary_fa=f"خلاصه{BREAKOUT}",
        summary_vi=f"Tóm tắt{BREAKOUT}",
    )
    project = ProjectFactory(
        partnership=partnership, title=f"Project{BREAKOUT}", title_it=f"Progetto{BREAKOUT}"
    )
    call = make_search(florence, title=f"Call{BREAKOUT}", offers=f"Offers{BREAKOUT}")
    for language in ("en", "it", "fa", "vi"):
        with translation.override(language):
            pages = [
                partnership.get_absolute_url(),
                project.get_absolute_url(),
                reverse("directory:city-detail", args=["florence"]),
                reverse("directory:project-list"),
            ]
        pages += [call.get_absolute_url(), "/seeking-partners/"]
        for page in pages:
            response = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, page
            assert BREAKOUT not in response.content.decode(), (language, page)


def test_a_mapped_import_reaches_the_cached_public_pages(
    client: Client,
    curator_login: Client,
    uploads: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PUBLIC_PAGE_CACHE = True
    aachen = CityFactory(name="Aachen", slug="aachen", country="DE")
    CityFactory(name="Reims", slug="reims", country="FR")
    CityFactory(name="Toledo", slug="toledo", country="ES")
    PartnershipFactory(city_a=aachen)
    assert "Reims" not in client.get("/cities/aachen/").content.decode()  # cached now
    token = upload(curator_login).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        done = curator_login.post(IMPORT, mapping(token))
    assert done.status_code == 200
    assert done.context["counts"].get("imported"), done.context["counts"]
    assert "Reims" in client.get("/cities/aachen/").content.decode()
    assert "Reims" in client.get("/partnerships/").content.decode()


def test_an_oversized_or_binary_upload_is_a_400_and_nothing_is_kept(
    curator_login: Client, uploads: Any
) -> None:
    from agreements.admin_import import MAX_UPLOAD

    big = "Stadt,Land,Partnerstadt,Partnerland\n" + "Aachen,DE,Reims,FR\n" * (MAX_UPLOAD // 19 + 10)
    assert upload(curator_login, big).status_code == 400
    binary = curator_login.post(
        IMPORT,
        {"file": SimpleUploadedFile("x.csv", b"Stadt,Land\x00\xff\xfe"), "profile": "mapped"},
    )
    assert binary.status_code == 400
    assert not list(uploads.rglob("*.csv"))


@pytest.mark.parametrize("action", [{"action": "create", "confirm": "yes"}, {"action": "reject"}])
def test_a_second_decision_of_a_place_decided_meanwhile_changes_nothing(
    curator_login: Client, waiting_place: Any, monkeypatch: Any, action: dict[str, str]
) -> None:
    """Two curators (or a double click) decide the same place: the second read it waiting."""
    import agreements.admin_unmatched as screens

    stale = type(waiting_place).objects.get(pk=waiting_place.pk)
    base = f"/admin/agreements/unmatchedplace/{waiting_place.pk}/decide/"
    assert curator_login.post(base, {"action": "reject"}).status_code == 302
    monkeypatch.setattr(screens, "get_object_or_404", lambda *args, **kwargs: stale)
    before = rows()
    response = curator_login.post(base, action)
    assert response.status_code in (302, 400, 409)
    assert rows() == before  # no city created for a decision that was not made
