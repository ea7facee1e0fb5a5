"""The attacks of issue 15 on the admin, replayed as the Florence city editor or a curator
would make them: through the same URLs and POSTs, each followed by a check that nothing
changed. Each fails without the rule it covers."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from agreements.models import Partnership
from cities.models import Citation, City, CityName, NetworkMembership, Source
from editors.admin_tools import stored_version

from .admin_forms import submitted
from .conftest import admin_url
from .factories import (
    AgreementFactory,
    CityFactory,
    MembershipFactory,
    PartnershipFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

WIKIDATA = (Path(__file__).parent / "data" / "wikidata-excerpt.csv").read_text(encoding="utf-8")


def csv_upload(text: str, name: str = "pairs.csv") -> io.BytesIO:
    upload = io.BytesIO(text.encode())
    upload.name = name
    return upload


# -- 1. Imports are a curator's tool -------------------------------------------------------------


def test_an_editor_can_neither_preview_nor_confirm_an_import(
    editor_client: Any, florence: City
) -> None:
    url = reverse("admin:agreements_partnership_import")
    assert editor_client.get(url).status_code == 403
    preview = editor_client.post(
        url, {"file": csv_upload(WIKIDATA), "profile": "wikidata", "publish": "on"}
    )
    assert preview.status_code == 403
    forged = editor_client.post(
        url,
        {"confirm": "1", "token": "a" * 32, "profile": "wikidata", "publish": "on"},
    )
    assert forged.status_code == 403
    assert not Partnership.objects.exists()
    assert list(City.objects.all()) == [florence]  # no city created either
    changelist = editor_client.get(admin_url(Partnership, "changelist")).content.decode()
    assert "Import partnerships" not in changelist


def test_a_curators_upload_waits_for_that_curator_only(
    client: Any, curator: Any, django_user_model: Any
) -> None:
    url = reverse("admin:agreements_partnership_import")
    client.force_login(curator)
    changelist = client.get(admin_url(Partnership, "changelist")).content.decode()
    assert "Import partnerships" in changelist
    preview = client.post(url, {"file": csv_upload(WIKIDATA), "profile": "wikidata"})
    token = preview.context["token"]
    other = django_user_model.objects.create_user("other", is_staff=True)
    other.groups.add(Group.objects.get(name="Curators"))
    client.force_login(other)
    client.post(url, {"confirm": "1", "token": token, "profile": "wikidata", "publish": "on"})
    assert not Partnership.objects.exists()
    client.force_login(curator)
    client.post(url, {"confirm": "1", "token": token, "profile": "wikidata"})
    assert Partnership.objects.exists()


# -- 2. The history "revert" form is the change page by another address ----------------------


def history_form_url(record: Any, version: Any) -> str:
    opts = record._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[record.pk, version.history_id],
    )


def test_an_editor_cannot_rewrite_a_source_through_its_history_form(
    editor_client: Any, florence: City
) -> None:
    source = SourceFactory(title="German municipal list", url="https://example.org/list")
    Citation.objects.create(source=source, record=PartnershipFactory(city_a=florence))
    version = source.history.get()
    page = editor_client.get(history_form_url(source, version))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    forged = editor_client.post(
        history_form_url(source, version),
        {
            "title": "Phish",
            "url": "https://evil.example/phish",
            "language": "en",
            "record_version": stored_version(Source, source.pk),
        },
    )
    assert forged.status_code == 403
    source.refresh_from_db()
    assert (source.title, source.url) == ("German municipal list", "https://example.org/list")


def test_an_old_draft_version_is_no_way_around_review(editor_client: Any, florence: City) -> None:
    partnership = PartnershipFactory(city_a=florence, publication_state="draft", summary="draft")
    draft_version = partnership.history.get()
    partnership.publication_state = "published"
    partnership.summary = "as published"
    partnership.save()
    url = history_form_url(partnership, draft_version)
    page = editor_client.get(url)
    assert page.status_code == 200
    data = {**submitted(page), "summary": "rewritten", "publication_state": "draft"}
    assert editor_client.post(url, data).status_code == 403
    partnership.refresh_from_db()
    assert (partnership.summary, partnership.publication_state) == ("as published", "published")


def test_an_editor_still_reverts_their_own_draft(editor_client: Any, florence: City) -> None:
    partnership = PartnershipFactory(city_a=florence, publication_state="draft", summary="first")
    first = partnership.history.get()
    partnership.summary = "second"
    partnership.save()
    url = history_form_url(partnership, first)
    data = submitted(editor_client.get(url))
    assert data["summary"] == "first"
    assert editor_client.post(url, data).status_code == 302
    partnership.refresh_from_db()
    assert partnership.summary == "first"


def test_another_citys_record_has_no_history_form_for_an_editor(
    editor_client: Any, florence: City
) -> None:
    theirs = PartnershipFactory(publication_state="draft", summary="theirs")
    url = history_form_url(theirs, theirs.history.get())
    assert editor_client.get(url).status_code == 404
    assert editor_client.post(url, {"summary": "mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.summary == "theirs"


# -- 3. Citations are edited only inline, with their record --------------------------------------


def test_the_citations_admin_is_closed_to_editors(editor_client: Any, florence: City) -> None:
    draft = PartnershipFactory(publication_state="draft")
    citation = Citation.objects.create(
        source=SourceFactory(), record=draft, excerpt="a draft's passage"
    )
    listing = editor_client.get(admin_url(Citation, "changelist"))
    assert listing.status_code == 403
    assert editor_client.get(admin_url(Citation, "change", citation.pk)).status_code == 403
    change = editor_client.post(
        admin_url(Citation, "change", citation.pk),
        {"source": citation.source_id, "excerpt": "rewritten", "content_type": 1, "object_id": 1},
    )
    assert change.status_code == 403
    delete = editor_client.post(admin_url(Citation, "delete", citation.pk), {"post": "yes"})
    assert delete.status_code == 403
    add = editor_client.post(admin_url(Citation, "add"), {"source": citation.source_id})
    assert add.status_code == 403
    citation.refresh_from_db()
    assert citation.excerpt == "a draft's passage" and Citation.objects.count() == 1


# -- 4. A curator stays a curator ----------------------------------------------------------------


def test_a_curator_cannot_make_themselves_superuser(
    curator_login: Any, curator: Any, django_user_model: Any
) -> None:
    url = reverse("admin:auth_user_change", args=[curator.pk])
    page = curator_login.get(url)
    assert page.status_code == 200
    data = submitted(page)
    data.update(is_superuser="on", is_staff="on")
    other_group = Group.objects.create(name="Everything")
    data["groups"] = [str(other_group.pk)]
    curator_login.post(url, data)
    curator.refresh_from_db()
    assert not curator.is_superuser
    assert list(curator.groups.values_list("name", flat=True)) == ["Curators"]


def test_a_curator_cannot_touch_a_superuser(curator_login: Any, django_user_model: Any) -> None:
    root = django_user_model.objects.create_superuser("root", "root@example.org", "old-pw")
    change = curator_login.get(reverse("admin:auth_user_change", args=[root.pk]))
    assert (change.status_code, change.url) == (302, "/admin/")  # "does not exist"
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert curator_login.get(password_url).status_code == 404
    curator_login.post(password_url, {"password1": "N3w-pw-xyz!", "password2": "N3w-pw-xyz!"})
    root.refresh_from_db()
    assert root.check_password("old-pw")
    listing = curator_login.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "root@example.org" not in listing


# -- 5. A published row inside an editable page stays as published -------------------------------


def test_saving_a_city_page_keeps_its_published_memberships(
    editor_client: Any, florence: City
) -> None:
    membership = MembershipFactory(city=florence, publication_state="published")
    url = admin_url(City, "change", florence.pk)
    page = editor_client.get(url)
    assert page.status_code == 200
    data = submitted(page)
    # The browser sends nothing for the disabled row; a forged form sends "draft".
    prefix = "memberships-0"
    data.update(
        {f"{prefix}-id": str(membership.pk), f"{prefix}-publication_state": "draft"},
    )
    data[f"{prefix}-field"] = "forged"
    data[f"{prefix}-DELETE"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    membership.refresh_from_db()
    assert membership.publication_state == "published" and membership.field != "forged"
    assert NetworkMembership.objects.filter(pk=membership.pk).exists()


def test_a_published_agreement_row_survives_saving_its_draft_partnership(
    editor_client: Any, florence: City
) -> None:
    partnership = PartnershipFactory(city_a=florence, publication_state="draft")
    agreement = AgreementFactory(partnership=partnership, title="Signed text")
    url = admin_url(Partnership, "change", partnership.pk)
    data = submitted(editor_client.get(url))
    data.update(
        {
            "agreements-0-id": str(agreement.pk),
            "agreements-0-title": "Forged",
            "agreements-0-publication_state": "draft",
        }
    )
    assert editor_client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.publication_state) == ("Signed text", "published")


def test_a_draft_row_is_still_the_editors_to_change(editor_client: Any, florence: City) -> None:
    partnership = PartnershipFactory(city_a=florence, publication_state="draft")
    agreement = AgreementFactory(partnership=partnership, publication_state="draft")
    url = admin_url(Partnership, "change", partnership.pk)
    data = submitted(editor_client.get(url))
    data["agreements-0-title"] = "Corrected title"
    assert editor_client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Corrected title"


# -- 7. City reference data is the curators' ------------------------------------------------------


def test_an_editor_cannot_change_their_citys_address_country_or_names(
    editor_client: Any, florence: City
) -> None:
    CityName.objects.create(city=florence, name="Firenze", language="it")
    PartnershipFactory(city_a=florence)  # so that Florence has a public page
    url = admin_url(City, "change", florence.pk)
    data = submitted(editor_client.get(url))
    data.update(slug="florence-moved", country="FR", name="Florenz", wikidata_id="Q1")
    data.update(
        {
            "names-TOTAL_FORMS": "2",
            "names-INITIAL_FORMS": "1",
            "names-1-name": "Fake name",
            "names-1-language": "en",
            "names-1-kind": "other",
        }
    )
    editor_client.post(url, data)
    florence.refresh_from_db()
    assert (florence.slug, florence.country.code, florence.name) == ("florence", "IT", "Florence")
    assert florence.wikidata_id != "Q1"
    assert list(florence.names.values_list("name", flat=True)) == ["Firenze"]
    assert editor_client.get("/cities/florence/").status_code == 200


def test_a_curator_still_corrects_a_citys_reference_data(curator_login: Any) -> None:
    city = CityFactory(name="Brivela Gaillarde", slug="brivela", country="FR")
    url = admin_url(City, "change", city.pk)
    data = submitted(curator_login.get(url))
    data.update(name="Brive-la-Gaillarde", slug="brive-la-gaillarde")
    assert curator_login.post(url, data).status_code == 302
    city.refresh_from_db()
    assert city.slug == "brive-la-gaillarde"


# -- 10. Lost updates ------------------------------------------------------------------------------


def test_the_second_of_two_editors_is_told_instead_of_overwriting(
    client: Any, curator: Any, django_user_model: Any
) -> None:
    partnership = PartnershipFactory(summary="as it was")
    url = admin_url(Partnership, "change", partnership.pk)
    client.force_login(curator)
    first = submitted(client.get(url))
    second_user = django_user_model.objects.create_user("second", is_staff=True)
    second_user.groups.add(Group.objects.get(name="Curators"))
    other = type(client)()
    other.force_login(second_user)
    second = submitted(other.get(url))
    assert client.post(url, {**first, "summary": "first curator's fix"}).status_code == 302
    refused = other.post(url, {**second, "summary": "second curator's fix"})
    assert refused.status_code == 200
    assert "was changed by curator after you opened it" in refused.content.decode()
    partnership.refresh_from_db()
    assert partnership.summary == "first curator's fix"
    again = submitted(other.get(url))
    assert other.post(url, {**again, "summary": "second curator's fix"}).status_code == 302


# -- 14. Sources only other cities' drafts cite ----------------------------------------------------


def test_an_editor_does_not_see_sources_only_other_cities_drafts_cite(
    editor_client: Any, florence: City
) -> None:
    hidden = SourceFactory(title="Letter about a Rome–Paris draft")
    Citation.objects.create(source=hidden, record=PartnershipFactory(publication_state="draft"))
    public = SourceFactory(title="Register of published twinnings")
    Citation.objects.create(source=public, record=PartnershipFactory())
    own = SourceFactory(title="Florence council minutes")
    Citation.objects.create(
        source=own, record=PartnershipFactory(city_a=florence, publication_state="draft")
    )
    listing = editor_client.get(admin_url(Source, "changelist")).content.decode()
    assert "Rome–Paris draft" not in listing
    assert "Register of published twinnings" in listing and "Florence council minutes" in listing
    assert editor_client.get(admin_url(Source, "change", hidden.pk)).status_code == 404
    found = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "cities",
            "model_name": "citation",
            "field_name": "source",
        },
    ).json()["results"]
    assert {row["text"] for row in found} == {
        "Register of published twinnings",
        "Florence council minutes",
    }


def test_a_revert_cannot_bring_back_reference_data_an_editor_only_reads(
    editor_client: Any, florence: City
) -> None:
    """Found by the second attack: the old version's name came back with the revert, since
    the fields the editor only reads were not in the form to hold today's values."""
    florence.name = "Firenze-OLD"
    florence.save()
    old = florence.history.latest("history_id")
    florence.name = "Florence"
    florence.save()
    url = history_form_url(florence, old)
    assert editor_client.post(url, submitted(editor_client.get(url))).status_code in (302, 403)
    florence.refresh_from_db()
    assert florence.name == "Florence"


def test_another_citys_page_shows_an_editor_none_of_its_draft_rows(
    editor_client: Any, florence: City
) -> None:
    from agreements.models import Position

    from .factories import OrganizationFactory, PersonFactory

    hanoi = CityFactory(name="Hanoi", country="VN")
    MembershipFactory(city=hanoi, field="Secret field", publication_state="draft")
    page = editor_client.get(admin_url(City, "change", hanoi.pk)).content.decode()
    assert page.count("Secret field") == 0
    person = PersonFactory(name="Trần Sỹ Thanh")
    Position.objects.create(
        person=person,
        title="Secret post",
        organization=OrganizationFactory(name="Secret organisation", publication_state="draft"),
    )
    from agreements.models import Person

    page = editor_client.get(admin_url(Person, "change", person.pk)).content.decode()
    assert "Secret organisation" not in page and "Secret post" not in page


def test_an_editors_citation_counts_leave_out_other_cities_drafts(
    editor_client: Any, florence: City
) -> None:
    source = SourceFactory(title="Shared register")
    Citation.objects.create(source=source, record=PartnershipFactory())
    Citation.objects.create(source=source, record=PartnershipFactory(publication_state="draft"))
    listing = editor_client.get(admin_url(Source, "changelist"))
    row = next(s for s in listing.context["cl"].result_list if s.pk == source.pk)
    assert row.citation_count == 1
