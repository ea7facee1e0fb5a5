"""Trust: roles and per-city permissions, review, history, recovery, backups, documents."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import ProtectedError
from django.urls import reverse

from agreements.models import Agreement, Meeting, Partnership, Person
from cities.models import Citation, City
from editors.admin_tools import stored_version

from .conftest import admin_url
from .factories import (
    AgreementFactory,
    CityFactory,
    MeetingFactory,
    PartnershipFactory,
    PersonFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def partnership_form(city_a: City, city_b: City, **extra: Any) -> dict[str, Any]:
    data = {
        "city_a": city_a.pk,
        "city_b": city_b.pk,
        "kind": "sister_city",
        "status": "active",
        "established": "",
        "established_precision": "",
        "ended": "",
        "ended_precision": "",
        "themes": "",
        "publication_state": "draft",
        "slug": "",
        "summary": "",
        "institutions": "",
    }
    for prefix in [
        "status_changes",
        "agreements",
        "meetings",
        "projects",
        "cities-citation-content_type-object_id",
    ]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(extra)
    return data


# -- Roles ---------------------------------------------------------------------------------------


def test_the_roles_are_groups_made_by_a_migration() -> None:
    curators = Group.objects.get(name="Curators")
    editors = Group.objects.get(name="City editors")
    assert curators.permissions.filter(codename="publish_records").exists()
    assert not editors.permissions.filter(codename="publish_records").exists()
    assert editors.permissions.filter(codename="add_partnership").exists()
    assert not editors.permissions.filter(codename__startswith="delete_partnership").exists()


# -- City editors see and change only their cities' records --------------------------------------


def test_an_editor_lists_only_the_records_of_their_cities(
    editor_client: Any, florence: City
) -> None:
    mine = PartnershipFactory(city_a=florence, publication_state="draft")
    theirs = PartnershipFactory(publication_state="draft")
    page = editor_client.get(admin_url(Partnership, "changelist")).content.decode()
    assert str(mine) in page
    assert str(theirs) not in page
    meeting_page = editor_client.get(admin_url(Meeting, "changelist")).content.decode()
    MeetingFactory(partnership=theirs, title="Another city's draft meeting")
    assert "Another city's draft meeting" not in meeting_page


def test_a_forged_address_or_form_for_another_city_is_refused_and_changes_nothing(
    editor_client: Any,
) -> None:
    theirs = PartnershipFactory(publication_state="draft", summary="untouched")
    assert editor_client.get(admin_url(Partnership, "change", theirs.pk)).status_code == 404
    assert editor_client.get(admin_url(Partnership, "history", theirs.pk)).status_code == 404
    forged = partnership_form(theirs.city_a, theirs.city_b, summary="changed")
    response = editor_client.post(admin_url(Partnership, "change", theirs.pk), forged)
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.summary == "untouched"
    bulk = editor_client.post(
        admin_url(Partnership, "changelist"),
        {"action": "submit_for_review", "_selected_action": [theirs.pk]},
    )
    assert bulk.status_code in (200, 302)
    theirs.refresh_from_db()
    assert theirs.publication_state == "draft"


def test_autocomplete_offers_an_editor_only_their_cities_partnerships(
    editor_client: Any, florence: City
) -> None:
    mine = PartnershipFactory(city_a=florence, city_b=CityFactory(name="Isfahan"))
    PartnershipFactory(city_a=CityFactory(name="Lyon"), city_b=CityFactory(name="Isfahan"))
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "isfahan",
            "app_label": "agreements",
            "model_name": "meeting",
            "field_name": "partnership",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(mine.pk)]


def test_an_editor_drafts_for_their_city_but_not_between_two_others(
    editor_client: Any, florence: City
) -> None:
    isfahan, lyon = CityFactory(), CityFactory()
    outside = editor_client.post(admin_url(Partnership, "add"), partnership_form(isfahan, lyon))
    assert "This record must involve one of your cities." in outside.content.decode()
    assert not Partnership.objects.exists()
    inside = editor_client.post(admin_url(Partnership, "add"), partnership_form(florence, lyon))
    assert inside.status_code == 302
    assert Partnership.objects.get().publication_state == "draft"


def test_an_editor_cannot_publish(editor_client: Any, florence: City) -> None:
    response = editor_client.post(
        admin_url(Partnership, "add"),
        partnership_form(florence, CityFactory(), publication_state="published"),
    )
    assert response.status_code == 200  # the form refuses the state
    assert not Partnership.objects.exists()
    draft = PartnershipFactory(city_a=florence, publication_state="draft")
    page = editor_client.get(admin_url(Partnership, "changelist")).content.decode()
    assert 'value="publish"' not in page and 'value="submit_for_review"' in page
    editor_client.post(
        admin_url(Partnership, "changelist"), {"action": "publish", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.publication_state == "draft"
    editor_client.post(
        admin_url(Partnership, "changelist"),
        {"action": "submit_for_review", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.publication_state == "in_review"


def test_a_published_record_is_read_only_for_its_editor(editor_client: Any, florence: City) -> None:
    published = PartnershipFactory(city_a=florence, summary="as published")
    page = editor_client.get(admin_url(Partnership, "change", published.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    data = partnership_form(published.city_a, published.city_b, summary="edited")
    assert (
        editor_client.post(admin_url(Partnership, "change", published.pk), data).status_code == 403
    )
    published.refresh_from_db()
    assert published.summary == "as published"


def test_an_editor_sees_published_people_and_their_own_drafts_only(
    editor_client: Any, editor: Any
) -> None:
    PersonFactory(name="Published Person")
    PersonFactory(name="Someone Else's Draft", publication_state="draft")
    editor_client.post(
        admin_url(Person, "add"),
        {
            "name": "My Draft",
            "native_name": "",
            "slug": "my-draft",
            "note": "",
            "publication_state": "draft",
            "positions-TOTAL_FORMS": 0,
            "positions-INITIAL_FORMS": 0,
            "cities-citation-content_type-object_id-TOTAL_FORMS": 0,
            "cities-citation-content_type-object_id-INITIAL_FORMS": 0,
        },
    )
    page = editor_client.get(admin_url(Person, "changelist")).content.decode()
    assert "Published Person" in page and "My Draft" in page
    assert "Someone Else" not in page


def test_admin_messages_come_in_the_editors_language(editor_client: Any, florence: City) -> None:
    url = "/it" + admin_url(Partnership, "add")
    response = editor_client.post(url, partnership_form(florence, florence))
    assert "Una città non può essere partner di se stessa." in response.content.decode()


# -- Review, history, recovery ------------------------------------------------------------------


def test_curators_review_what_editors_submit(
    editor_client: Any, florence: City, curator: Any, client: Any
) -> None:
    draft = PartnershipFactory(city_a=florence, publication_state="draft")
    editor_client.post(
        admin_url(Partnership, "changelist"),
        {"action": "submit_for_review", "_selected_action": [draft.pk]},
    )
    assert editor_client.get(reverse("admin:review-queue")).status_code == 403
    client.force_login(curator)
    queue = client.get(reverse("admin:review-queue"))
    html = queue.content.decode()
    assert str(draft) in html and "editor" in html  # who submitted it
    client.post(
        reverse("admin:review-queue"),
        {"model": "agreements.Partnership", "pk": draft.pk, "decision": "publish"},
    )
    draft.refresh_from_db()
    assert draft.publication_state == "published" and draft.published_at is not None
    assert draft.history.filter(publication_state="published", history_user=curator).exists()


def test_every_change_is_recorded_and_can_be_reverted(curator_login: Any) -> None:
    partnership = PartnershipFactory(summary="First version")
    data = partnership_form(partnership.city_a, partnership.city_b, summary="Second version")
    data["slug"] = partnership.slug
    data["publication_state"] = "published"
    data["record_version"] = stored_version(Partnership, partnership.pk)
    assert (
        curator_login.post(admin_url(Partnership, "change", partnership.pk), data).status_code
        == 302
    )
    history = partnership.history.order_by("history_date")
    assert [h.summary for h in history] == ["First version", "Second version"]
    assert history.last().history_user.username == "curator"
    page = curator_login.get(admin_url(Partnership, "history", partnership.pk)).content.decode()
    assert "curator" in page
    first = history.first()
    revert_url = reverse(
        "admin:agreements_partnership_simple_history", args=[partnership.pk, first.history_id]
    )
    data["record_version"] = stored_version(Partnership, partnership.pk)
    revert = curator_login.post(revert_url, {**data, "summary": "First version"})
    assert revert.status_code == 302
    partnership.refresh_from_db()
    assert partnership.summary == "First version"


def test_a_deleted_record_can_be_restored_with_its_sources(curator_login: Any) -> None:
    partnership = PartnershipFactory(summary="Worth keeping")
    Citation.objects.create(source=SourceFactory(), record=partnership, excerpt="the passage")
    pk = partnership.pk
    response = curator_login.post(admin_url(Partnership, "delete", pk), {"post": "yes"})
    assert response.status_code == 302 and not Partnership.objects.filter(pk=pk).exists()
    listing = curator_login.get(reverse("admin:deleted-records")).content.decode()
    assert str(partnership) in listing
    deletion = Partnership.history.get(id=pk, history_type="-")
    curator_login.post(
        reverse("admin:deleted-records"),
        {"model": "agreements.Partnership", "history_id": deletion.history_id},
    )
    restored = Partnership.objects.get(pk=pk)
    assert restored.summary == "Worth keeping"
    assert Citation.objects.for_object(restored).get().excerpt == "the passage"


def test_deleting_a_city_in_use_is_refused_with_a_clear_message(curator_login: Any) -> None:
    partnership = PartnershipFactory()
    with pytest.raises(ProtectedError):
        partnership.city_a.delete()
    page = curator_login.post(admin_url(City, "delete", partnership.city_a.pk), {"post": "yes"})
    assert "would require deleting the following protected related objects" in page.content.decode()
    assert City.objects.filter(pk=partnership.city_a.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_and_restore_round_trip_keeps_every_record(tmp_path: Path) -> None:
    # The round trip empties the database (flush), which PostgreSQL does only outside a
    # transaction: this test commits, and the migrations' data is put back after it. An
    # earlier committing test may have flushed the theme vocabulary the seed refers to.
    import importlib

    from django.apps import apps

    vocabulary = importlib.import_module("agreements.migrations.0003_theme_vocabulary")
    vocabulary.add_vocabulary(apps, None)
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    PartnershipFactory(summary="Ünïcødé and اصفهان")
    models = [
        m for m in apps.get_models() if m._meta.app_label in {"cities", "agreements", "editors"}
    ]
    before = {m._meta.label: m._default_manager.count() for m in models}
    summaries = dict(Partnership.objects.values_list("slug", "summary"))
    backup = tmp_path / "twinning.tar.gz"
    call_command("backup", str(backup), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    assert Partnership.objects.count() == 0
    call_command("restore", str(backup), stdout=io.StringIO())
    assert {m._meta.label: m._default_manager.count() for m in models} == before
    assert dict(Partnership.objects.values_list("slug", "summary")) == summaries


# -- Signed documents -------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def agreement_form(partnership: Partnership, document: Any) -> dict[str, Any]:
    return {
        "partnership": partnership.pk,
        "title": "Pact",
        "slug": "pact",
        "kind": "twinning_pact",
        "status": "signed",
        "signed": "",
        "signed_precision": "",
        "signed_as_written": "",
        "signed_place": "",
        "signed_occasion": "",
        "summary": "",
        "document": document,
        "document_url": "",
        "publication_state": "published",
        "signatories-TOTAL_FORMS": 0,
        "signatories-INITIAL_FORMS": 0,
        "cities-citation-content_type-object_id-TOTAL_FORMS": 0,
        "cities-citation-content_type-object_id-INITIAL_FORMS": 0,
    }


def test_a_document_is_checked_by_its_content_and_served_only_when_published(
    curator_login: Any, client: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    partnership = PartnershipFactory()
    disguised = curator_login.post(
        admin_url(Agreement, "add"),
        agreement_form(partnership, upload("pact.pdf", b"MZ\x90\x00 an exe")),
    )
    assert "is not a PDF, PNG, JPEG or WebP document" in disguised.content.decode()
    settings.DOCUMENT_MAX_BYTES = 100
    large = curator_login.post(
        admin_url(Agreement, "add"),
        agreement_form(partnership, upload("pact.pdf", PDF + b"x" * 200)),
    )
    assert "larger than" in large.content.decode()
    settings.DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
    saved = curator_login.post(
        admin_url(Agreement, "add"), agreement_form(partnership, upload("pact.pdf", PDF))
    )
    assert saved.status_code == 302
    agreement = Agreement.objects.get()
    document_url = reverse("directory:agreement-document", args=[agreement.slug])
    client.logout()
    served = client.get(document_url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF
    agreement.publication_state = "draft"
    agreement.save()
    assert client.get(document_url).status_code == 404


def test_documents_are_not_reachable_under_the_media_address(client: Any) -> None:
    AgreementFactory(document="agreements/2026/pact.pdf")
    assert client.get("/media/agreements/2026/pact.pdf").status_code == 404
