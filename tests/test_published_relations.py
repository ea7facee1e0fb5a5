"""What a published record shows of its relations: only what is published itself. A draft
meeting, membership, person or organisation linked from a public page is neither counted
nor named there."""

from typing import Any

import pytest
from django.urls import reverse

from agreements.models import Meeting, Participant, Position, Signatory
from publishing.publication import PublicationState

from .factories import (
    AgreementFactory,
    CityFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    OrganizationFactory,
    PartnershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT


def test_draft_meetings_do_not_make_a_partnership_notable_on_the_home_page(client: Any) -> None:
    busy_in_drafts = PartnershipFactory()
    MeetingFactory.create_batch(3, partnership=busy_in_drafts, publication_state=DRAFT)
    active = PartnershipFactory()
    MeetingFactory(partnership=active)
    notable = client.get(reverse("home")).context["notable"]
    assert [p.slug for p in notable] == [active.slug]


def test_a_network_counts_only_its_published_members(client: Any) -> None:
    network = NetworkFactory()
    MembershipFactory(network=network, city=CityFactory())
    MembershipFactory.create_batch(2, network=network, publication_state=DRAFT)
    networks = client.get(reverse("directory:network-list")).context["networks"]
    assert {n.pk: n.member_count for n in networks}[network.pk] == 1


def test_a_network_of_draft_memberships_only_is_not_in_the_sitemap(client: Any) -> None:
    hidden = NetworkFactory(slug="only-drafts")
    MembershipFactory(network=hidden, publication_state=DRAFT)
    shown = NetworkFactory(slug="with-members")
    MembershipFactory(network=shown)
    xml = client.get("/sitemap-networks.xml").content.decode()
    assert "/networks/with-members/" in xml
    assert "only-drafts" not in xml


def test_a_persons_page_lists_no_position_at_a_draft_organisation(client: Any) -> None:
    person = PersonFactory()
    Position.objects.create(
        person=person, organization=OrganizationFactory(name="Public Office"), title="Mayor"
    )
    Position.objects.create(
        person=person,
        organization=OrganizationFactory(name="Secret Office", publication_state=DRAFT),
        title="Envoy",
    )
    html = client.get(reverse("directory:person-detail", args=[person.slug])).content.decode()
    assert "Public Office" in html
    assert "Secret Office" not in html
    assert "Envoy" not in html


def test_a_signatory_shows_its_published_organisation_without_its_draft_person(
    client: Any,
) -> None:
    agreement = AgreementFactory()
    Signatory.objects.create(
        agreement=agreement,
        person=PersonFactory(name="Hidden Signer", publication_state=DRAFT),
        organization=OrganizationFactory(name="City Council"),
        role="for the council",
    )
    Signatory.objects.create(
        agreement=agreement,
        person=PersonFactory(name="Another Hidden", publication_state=DRAFT),
        role="alone",
    )
    html = client.get(reverse("directory:agreement-detail", args=[agreement.slug])).content
    text = html.decode()
    assert "City Council" in text
    assert "Hidden Signer" not in text
    assert "Another Hidden" not in text
    assert "alone" not in text  # a row naming nobody public is not listed at all


def test_a_meeting_names_no_draft_participant_on_its_page_or_its_partnerships(
    client: Any,
) -> None:
    meeting: Meeting = MeetingFactory()
    Participant.objects.create(
        meeting=meeting,
        person=PersonFactory(name="Draft Delegate", publication_state=DRAFT),
        organization=OrganizationFactory(name="Embassy"),
    )
    Participant.objects.create(meeting=meeting, person=PersonFactory(name="Open Delegate"))
    pages = [
        reverse("directory:meeting-detail", args=[meeting.slug]),
        reverse("directory:partnership-detail", args=[meeting.partnership.slug]),  # type: ignore[union-attr]
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert "Embassy" in text, url
        assert "Open Delegate" in text, url
        assert "Draft Delegate" not in text, url


@pytest.mark.parametrize("inline", [1000, 0])  # 0: every lookup goes through the bitmap
def test_which_cities_are_public_is_the_same_by_id_or_from_the_bitmap(
    monkeypatch: Any, inline: int
) -> None:
    from cities.models import City, CityQuerySet

    monkeypatch.setattr(CityQuerySet, "IDS_INLINE", inline)
    gazetteer = CityFactory(geonames_id=3176959)
    partnered, draft_only, member, nothing = CityFactory.create_batch(4)
    PartnershipFactory(city_a=partnered)
    PartnershipFactory(city_a=draft_only, publication_state=DRAFT)
    MembershipFactory(city=member)
    MembershipFactory(city=nothing, publication_state=DRAFT)
    ids = [city.pk for city in (gazetteer, partnered, draft_only, member, nothing)]
    assert City.objects.public_ids(ids) == {gazetteer.pk, partnered.pk, member.pk}
