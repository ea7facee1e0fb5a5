"""Record pages show published records only, with their sources."""

from typing import Any

import pytest
from django.urls import reverse

from agreements.models import Partnership

from .factories import AgreementFactory, MeetingFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded")
def test_home_counts_published_records(client: Any) -> None:
    PartnershipFactory(publication_state="draft")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["partnership_count"] == 2


@pytest.mark.usefixtures("seeded")
def test_the_partnership_page_shows_its_history_and_original_language_sources(
    client: Any,
) -> None:
    page = client.get(reverse("directory:partnership-detail", args=["florence-isfahan"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "1998" in html and "1377 SH" in html
    assert "Isfahan–Florence sister-city pact" in html
    assert '<blockquote lang="fa" dir="rtl">' in html
    assert "January" not in html


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("directory:city-detail", "isfahan"),
        ("directory:network-detail", "unesco-creative-cities-network"),
        ("directory:agreement-detail", "isfahan-florence-sister-city-pact"),
        ("directory:meeting-detail", "hanoi-chairman-receives-italian-ambassador-2022-09-20"),
        ("directory:project-detail", "isfahan-florence-joint-music-project"),
    ],
)
def test_record_pages_open(client: Any, name: str, slug: str) -> None:
    assert client.get(reverse(name, args=[slug])).status_code == 200


@pytest.mark.parametrize("state", ["draft", "in_review", "withdrawn"])
def test_an_unpublished_partnership_is_not_found(client: Any, state: str) -> None:
    partnership = PartnershipFactory(publication_state=state)
    assert client.get(partnership.get_absolute_url()).status_code == 404


def test_a_published_partnership_page_never_reveals_its_drafts(client: Any) -> None:
    partnership = PartnershipFactory()
    AgreementFactory(partnership=partnership, title="Secret draft pact", publication_state="draft")
    MeetingFactory(partnership=partnership, title="Unannounced meeting", publication_state="draft")
    html = client.get(partnership.get_absolute_url()).content.decode()
    assert "Secret draft pact" not in html
    assert "Unannounced meeting" not in html


def test_an_agreement_of_an_unpublished_partnership_is_not_found(client: Any) -> None:
    agreement = AgreementFactory(partnership=PartnershipFactory(publication_state="draft"))
    assert client.get(agreement.get_absolute_url()).status_code == 404


def test_published_is_the_door_to_the_public() -> None:
    shown = PartnershipFactory()
    PartnershipFactory(publication_state="draft")
    PartnershipFactory(publication_state="withdrawn")
    assert list(Partnership.objects.published()) == [shown]
