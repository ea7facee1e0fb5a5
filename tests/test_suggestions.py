"""Corrections from the public (issue 14): the forms, their guards, and the review queue.

A suggestion is never applied by itself; it is reviewed by a curator or an editor of a city
it concerns, and nothing of it (least of all who sent it) reaches a public page or the API.
"""

import time
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from agreements.models import Partnership
from cities.models import Citation, Source
from editors.models import CityAssignment
from publishing.publication import PublicationState
from suggestions.forms import issued_token
from suggestions.models import Suggestion

from .conftest import admin_url
from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

SENDER = "Ada Quillfeather"
SENDER_EMAIL = "ada.quillfeather@example.org"
PROPOSED = "The partnership was renewed with a new pact: status should stay active."


@pytest.fixture
def partnership(florence: Any) -> Partnership:
    # Invented places: tests never state facts about real partnerships.
    return PartnershipFactory(
        city_a=florence,
        city_b=CityFactory(name="Varnholt", slug="varnholt", country="DE"),
        slug="florence-varnholt",
    )


@pytest.fixture
def elsewhere(db: None) -> Any:
    """A partnership between two other cities, and an editor of one of them."""
    return PartnershipFactory(
        city_a=CityFactory(name="Ostrelle", slug="ostrelle", country="FR"),
        city_b=CityFactory(name="Pemberdown", slug="pemberdown", country="GB"),
        slug="ostrelle-pemberdown",
    )


@pytest.fixture
def other_editor(django_user_model: Any, elsewhere: Partnership) -> Any:
    user = django_user_model.objects.create_user(
        "other", password="pw", is_staff=True, email="other-editor@example.org"
    )
    user.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=user, city=elsewhere.city_a)
    return user


def correction_url(partnership: Partnership) -> str:
    return reverse("suggestions:correction", args=["partnership", partnership.slug])


def correction(**changes: Any) -> dict[str, Any]:
    data = {
        "issued": issued_token(time.time() - 30),
        "contact_website": "",
        "field": "status",
        "proposed": PROPOSED,
        "source": "https://example.org/council-minutes-2024",
        "name": SENDER,
        "email": SENDER_EMAIL,
    }
    data.update(changes)
    return data


def new_partnership(**changes: Any) -> dict[str, Any]:
    data = {
        "issued": issued_token(time.time() - 30),
        "contact_website": "",
        "city": "Florence",
        "partner": "Ostrelle",
        "partnership_kind": "sister_city",
        "established": "1987",
        "proposed": "Signed by both mayors at a ceremony.",
        "source": "Municipal gazette, vol. 12, p. 4",
        "name": SENDER,
        "email": SENDER_EMAIL,
    }
    data.update(changes)
    return data


# -- The public forms ------------------------------------------------------------------------


def test_every_record_page_links_to_its_correction_form(
    client: Any, partnership: Partnership
) -> None:
    page = client.get(partnership.get_absolute_url())
    assert correction_url(partnership) in page.content.decode()
    form = client.get(correction_url(partnership))
    assert form.status_code == 200
    assert "Suggest a correction" in form.content.decode()
    assert str(partnership) in form.content.decode()


def test_the_footer_links_to_the_new_partnership_form(client: Any, db: None) -> None:
    assert reverse("suggestions:partnership") in client.get("/").content.decode()
    assert client.get(reverse("suggestions:partnership")).status_code == 200


def test_a_valid_correction_is_stored_and_nothing_is_applied(
    client: Any, partnership: Partnership
) -> None:
    response = client.post(correction_url(partnership), correction())
    assert response.status_code == 302
    assert response["Location"] == reverse("suggestions:thanks")
    suggestion = Suggestion.objects.get()
    assert suggestion.kind == "correction"
    assert suggestion.record == partnership
    assert suggestion.field == "status"
    assert suggestion.proposed == PROPOSED
    assert suggestion.source == "https://example.org/council-minutes-2024"
    assert (suggestion.name, suggestion.email) == (SENDER, SENDER_EMAIL)
    assert suggestion.language == "en"
    assert suggestion.status == "new"
    assert set(suggestion.cities.values_list("pk", flat=True)) == {
        partnership.city_a_id,
        partnership.city_b_id,
    }
    partnership.refresh_from_db()
    assert partnership.status == "active"
    assert PROPOSED not in client.get(partnership.get_absolute_url()).content.decode()


def test_the_language_of_the_form_is_recorded(client: Any, partnership: Partnership) -> None:
    client.post(f"/it{correction_url(partnership)}", correction())
    assert Suggestion.objects.get().language == "it"


def test_an_unknown_kind_or_a_draft_record_has_no_form(
    client: Any, partnership: Partnership
) -> None:
    assert client.get("/suggest/theme/anything/").status_code == 404
    partnership.publication_state = PublicationState.DRAFT
    partnership.save()
    assert client.get(correction_url(partnership)).status_code == 404
    assert client.post(correction_url(partnership), correction()).status_code == 404
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"contact_website": "http://spam.example"}, "leave the hidden field empty"),
        # Issued when the test runs (a second ago) or three hours before.
        ({"issued": lambda: issued_token(time.time() - 1)}, "sent too quickly"),
        ({"issued": lambda: issued_token(time.time() - 3 * 3600)}, "out of date"),
        ({"issued": "forged-timestamp"}, "damaged or out of date"),
        ({"issued": ""}, "damaged or out of date"),
        (
            {"proposed": "see http://a.example http://b.example and www.c.example"},
            "at most 2 links",
        ),
        ({"proposed": "x" * 2001}, "at most 2000 characters"),
        ({"proposed": ""}, "This field is required"),
        ({"email": "not-an-address"}, "valid email address"),
    ],
)
def test_spam_and_bad_input_are_refused_with_a_clear_message(
    client: Any, partnership: Partnership, changes: dict[str, Any], message: str
) -> None:
    changes = {name: value() if callable(value) else value for name, value in changes.items()}
    response = client.post(correction_url(partnership), correction(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Suggestion.objects.exists()
    assert mail.outbox == []


def test_a_client_address_is_rate_limited(
    client: Any, partnership: Partnership, settings: Any
) -> None:
    settings.SUGGESTION_RATE = "2/hour"
    for _ in range(2):
        assert client.post(correction_url(partnership), correction()).status_code == 302
    refused = client.post(correction_url(partnership), correction())
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "many suggestions in a short time" in refused.content.decode()
    assert Suggestion.objects.count() == 2
    # Another address is counted on its own.
    other = client.post(correction_url(partnership), correction(), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_a_new_partnership_needs_a_source(client: Any, partnership: Partnership) -> None:
    response = client.post(reverse("suggestions:partnership"), new_partnership(source=""))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_new_partnership_is_stored_with_its_cities_matched_and_their_editors_told(
    client: Any, partnership: Partnership, elsewhere: Partnership, editor: Any, other_editor: Any
) -> None:
    editor.email = "florence-editor@example.org"
    editor.save()
    response = client.post(reverse("suggestions:partnership"), new_partnership())
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.city, suggestion.partner) == (partnership.city_a, elsewhere.city_a)
    assert suggestion.source == "Municipal gazette, vol. 12, p. 4"
    # Both cities' editors are told, each in a message of their own, without the sender.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "florence-editor@example.org",
        "other-editor@example.org",
    ]
    assert all(SENDER_EMAIL not in message.body for message in mail.outbox)
    assert Partnership.objects.count() == 2  # nothing created before review


def test_only_the_editors_of_the_cities_concerned_are_told(
    client: Any, partnership: Partnership, editor: Any, other_editor: Any
) -> None:
    editor.email = "florence-editor@example.org"
    editor.save()
    client.post(correction_url(partnership), correction())
    assert [message.to for message in mail.outbox] == [["florence-editor@example.org"]]
    assert "/admin/suggestions/suggestion/" in mail.outbox[0].body


# -- The review queue, as an attacker would try it -------------------------------------------


@pytest.fixture
def suggestion(client: Any, partnership: Partnership) -> Suggestion:
    client.post(correction_url(partnership), correction())
    mail.outbox.clear()
    return Suggestion.objects.get(kind="correction")


@pytest.fixture
def proposed_partnership(client: Any, partnership: Partnership, elsewhere: Any) -> Suggestion:
    client.post(reverse("suggestions:partnership"), new_partnership())
    mail.outbox.clear()
    return Suggestion.objects.get(kind="partnership")


def test_anonymous_visitors_are_sent_to_the_login(client: Any, suggestion: Suggestion) -> None:
    for url in (
        admin_url(Suggestion, "changelist"),
        admin_url(Suggestion, "change", suggestion.pk),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    for url in (
        admin_url(Suggestion, "accept", suggestion.pk),
        admin_url(Suggestion, "decline", suggestion.pk),
    ):
        response = client.post(url, {"reason": "no"})
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    suggestion.refresh_from_db()
    assert suggestion.status == "new"


def test_an_editor_of_another_city_sees_neither_the_suggestion_nor_its_sender(
    client: Any, suggestion: Suggestion, other_editor: Any
) -> None:
    client.force_login(other_editor)
    listing = client.get(admin_url(Suggestion, "changelist"))
    assert listing.status_code == 200
    assert str(suggestion) not in listing.content.decode()
    assert SENDER_EMAIL not in listing.content.decode()
    page = client.get(admin_url(Suggestion, "change", suggestion.pk), follow=True)
    assert SENDER_EMAIL not in page.content.decode()
    assert PROPOSED not in page.content.decode()


def test_forged_posts_of_an_editor_of_another_city_change_nothing(
    client: Any, suggestion: Suggestion, proposed_partnership: Any, other_editor: Any
) -> None:
    # The new partnership concerns Ostrelle, the other editor's city; the correction does not.
    client.force_login(other_editor)
    accept = client.post(admin_url(Suggestion, "accept", suggestion.pk))
    decline = client.post(admin_url(Suggestion, "decline", suggestion.pk), {"reason": "no"})
    assert (accept.status_code, decline.status_code) == (404, 404)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == ("new", "")
    assert Source.objects.count() == 0
    assert mail.outbox == []


def test_a_get_does_not_decide(client: Any, suggestion: Suggestion, curator: Any) -> None:
    client.force_login(curator)
    assert client.get(admin_url(Suggestion, "accept", suggestion.pk)).status_code == 405
    suggestion.refresh_from_db()
    assert suggestion.status == "new"


def test_the_editor_of_the_city_and_a_curator_see_it(
    client: Any, suggestion: Suggestion, editor: Any, curator: Any
) -> None:
    for user in (editor, curator):
        client.force_login(user)
        listing = client.get(admin_url(Suggestion, "changelist"))
        assert str(suggestion) in listing.content.decode()
        page = client.get(admin_url(Suggestion, "change", suggestion.pk))
        assert page.status_code == 200
        assert SENDER_EMAIL in page.content.decode()
        assert "Accept as a draft" in page.content.decode()


def test_accepting_a_correction_keeps_it_as_a_draft_and_changes_nothing_public(
    client: Any, suggestion: Suggestion, editor: Any, partnership: Partnership
) -> None:
    before = client.get(partnership.get_absolute_url()).content
    client.force_login(editor)
    response = client.post(admin_url(Suggestion, "accept", suggestion.pk))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "accepted"
    assert suggestion.decided_by == editor
    assert suggestion.draft_source is not None
    assert suggestion.draft_source.url == "https://example.org/council-minutes-2024"
    assert SENDER not in suggestion.draft_source.note
    partnership.refresh_from_db()
    assert partnership.status == "active"
    assert partnership.is_published
    client.logout()
    assert client.get(partnership.get_absolute_url()).content == before
    # The sender hears of it; a second decision is refused.
    assert [message.to for message in mail.outbox] == [[SENDER_EMAIL]]
    assert "accepted as a draft" in mail.outbox[0].body
    client.force_login(editor)
    client.post(admin_url(Suggestion, "decline", suggestion.pk), {"reason": "late"})
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == ("accepted", "")


def test_accepting_a_new_partnership_creates_a_draft_citing_the_source(
    client: Any, proposed_partnership: Suggestion, curator: Any, partnership: Partnership
) -> None:
    client.force_login(curator)
    response = client.post(admin_url(Suggestion, "accept", proposed_partnership.pk))
    proposed_partnership.refresh_from_db()
    draft = proposed_partnership.draft_partnership
    assert draft is not None
    assert response["Location"] == admin_url(Partnership, "change", draft.pk)
    assert draft.publication_state == PublicationState.DRAFT
    assert {draft.city_a.name, draft.city_b.name} == {"Florence", "Ostrelle"}
    assert (draft.established.year, draft.established_precision) == (1987, "year")
    citation = Citation.objects.for_object(draft).get()
    assert citation.source.title == "Municipal gazette, vol. 12, p. 4"
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.slug not in client.get(reverse("directory:partnership-list")).content.decode()
    assert draft.slug not in client.get("/api/v1/partnerships/").content.decode()


def test_a_new_partnership_with_an_unmatched_city_waits_for_a_curator(
    client: Any, partnership: Partnership, curator: Any
) -> None:
    client.post(reverse("suggestions:partnership"), new_partnership(partner="Nowhere-on-Sea"))
    suggestion = Suggestion.objects.get()
    assert suggestion.partner is None
    client.force_login(curator)
    client.post(admin_url(Suggestion, "accept", suggestion.pk))
    suggestion.refresh_from_db()
    assert suggestion.status == "new"
    assert Partnership.objects.count() == 1


def test_declining_records_the_reason_and_tells_the_sender(
    client: Any, suggestion: Suggestion, editor: Any
) -> None:
    client.force_login(editor)
    client.post(admin_url(Suggestion, "decline", suggestion.pk), {"reason": ""})
    suggestion.refresh_from_db()
    assert suggestion.status == "new"  # a reason is required
    client.post(
        admin_url(Suggestion, "decline", suggestion.pk),
        {"reason": "The minutes cited do not mention the partnership."},
    )
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    assert suggestion.reason == "The minutes cited do not mention the partnership."
    assert suggestion.decided_by == editor
    assert [message.to for message in mail.outbox] == [[SENDER_EMAIL]]
    assert "do not mention the partnership" in mail.outbox[0].body


def test_the_sender_is_told_in_the_language_of_the_form(
    client: Any, partnership: Partnership, curator: Any
) -> None:
    client.post(f"/it{correction_url(partnership)}", correction())
    suggestion = Suggestion.objects.get()
    client.force_login(curator)
    client.post(admin_url(Suggestion, "decline", suggestion.pk), {"reason": "Fonte non trovata."})
    assert "Fonte non trovata." in mail.outbox[0].body
    assert "Grazie" in mail.outbox[0].body


def test_nothing_of_a_suggestion_reaches_the_public_pages_or_the_api(
    client: Any, suggestion: Suggestion, partnership: Partnership
) -> None:
    pages = [
        partnership.get_absolute_url(),
        partnership.city_a.get_absolute_url(),
        reverse("directory:partnership-list"),
        reverse("directory:search") + "?q=Quillfeather",
        "/api/v1/partnerships/",
        f"/api/v1/partnerships/{partnership.slug}/",
        "/api/v1/cities/",
        "/sitemap.xml",
    ]
    for url in pages:
        body = client.get(url).content.decode()
        for secret in (SENDER, SENDER_EMAIL, PROPOSED):
            assert secret not in body, (url, secret)
