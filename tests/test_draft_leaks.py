"""A draft partnership stays unseen, even when records that hang on it are published.

Two cities made for the draft only (no GeoNames id), a draft partnership between them, and a
published meeting, project and agreement of that partnership: none of them, nor the draft's
slug, may show on any public page, filter, search, suggestion, export, sitemap or the API.
"""

from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from agreements.models import Agreement, CulturalProject, Meeting, Partnership
from cities.models import City

from .factories import (
    AgreementFactory,
    CityFactory,
    MeetingFactory,
    PartnershipFactory,
    ProjectFactory,
)

API = "/api/v1"
SECRETS = ("Zorbavell", "zorbavell", "Quixmoor", "quixmoor", "hush-hush", "Hidden summit")


@pytest.fixture
def draft(db: None) -> dict[str, Any]:
    zorbavell = CityFactory(name="Zorbavell", slug="zorbavell", country="FR")
    quixmoor = CityFactory(name="Quixmoor", slug="quixmoor", country="DE")
    partnership = PartnershipFactory(
        city_a=zorbavell,
        city_b=quixmoor,
        slug="zorbavell-quixmoor",
        summary="hush-hush",
        publication_state="draft",
    )
    meeting = MeetingFactory(
        partnership=partnership,
        title="Hidden summit",
        slug="hidden-summit",
        place=zorbavell,
        summary="hush-hush",
    )
    meeting.cities.set([zorbavell, quixmoor])
    project = ProjectFactory(
        partnership=partnership, title="Hidden summit project", slug="hidden-project"
    )
    project.cities.set([zorbavell])
    agreement = AgreementFactory(
        partnership=partnership, title="Hidden summit pact", slug="hidden-pact"
    )
    return {
        "cities": [zorbavell, quixmoor],
        "partnership": partnership,
        "meeting": meeting,
        "project": project,
        "agreement": agreement,
    }


def text_of(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def assert_nothing_revealed(url: str, response: Any) -> None:
    assert response.status_code == 200, (url, response.status_code)
    body = text_of(response)
    # A page echoes what was asked (the search box, its own address): that is no leak.
    for value in parse_qs(urlsplit(url).query).values():
        body = body.replace(value[0], "").replace(quote_plus(value[0]), "")
    for secret in SECRETS:
        assert secret not in body, (secret, url)


def test_records_of_a_draft_partnership_are_not_public(draft: dict[str, Any]) -> None:
    assert not Meeting.objects.public().exists()
    assert not CulturalProject.objects.public().exists()
    assert not Agreement.objects.public().exists()
    assert not City.objects.public().filter(slug__in=["zorbavell", "quixmoor"]).exists()


def test_their_pages_are_not_found(client: Any, draft: dict[str, Any]) -> None:
    for url in [
        reverse("directory:partnership-detail", args=["zorbavell-quixmoor"]),
        reverse("directory:meeting-detail", args=["hidden-summit"]),
        reverse("directory:project-detail", args=["hidden-project"]),
        reverse("directory:agreement-detail", args=["hidden-pact"]),
        reverse("directory:agreement-document", args=["hidden-pact"]),
        reverse("directory:city-detail", args=["zorbavell"]),
        reverse("directory:city-detail", args=["quixmoor"]),
        reverse("directory:city-map", args=["zorbavell"]),
        reverse("directory:cite-bibtex", args=["city", "zorbavell"]),
        reverse("directory:cite-bibtex", args=["meeting", "hidden-summit"]),
        reverse("directory:cite-bibtex", args=["project", "hidden-project"]),
        reverse("directory:cite-bibtex", args=["agreement", "hidden-pact"]),
        f"{API}/meetings/hidden-summit/",
        f"{API}/projects/hidden-project/",
        f"{API}/agreements/hidden-pact/",
        f"{API}/cities/zorbavell/",
        f"{API}/partnerships/zorbavell-quixmoor/",
    ]:
        assert client.get(url).status_code == 404, url


def test_lists_filters_search_exports_and_sitemaps_name_none_of_them(
    client: Any, draft: dict[str, Any]
) -> None:
    # A published partnership elsewhere, so that the lists are not empty.
    PartnershipFactory()
    urls = [
        "/",
        reverse("directory:partnership-list"),
        reverse("directory:partnership-list") + "?q=Zorbavell",
        reverse("directory:partnership-list") + "?format=csv",
        reverse("directory:project-list"),
        reverse("directory:project-list") + "?format=csv",
        reverse("directory:project-list") + "?format=json",
        reverse("directory:city-list"),
        reverse("directory:city-list") + "?q=Zorbavell",
        reverse("directory:city-list") + "?format=csv",
        reverse("directory:country-detail", args=["FR"]),
        reverse("directory:search") + "?q=Zorbavell",
        reverse("directory:search") + "?q=Hidden+summit",
        reverse("directory:search") + "?q=Zorbavel",  # the "did you mean" suggestions
        f"{API}/meetings/",
        f"{API}/meetings/?partnership=zorbavell-quixmoor",
        f"{API}/meetings/?city=zorbavell",
        f"{API}/projects/",
        f"{API}/projects/?q=Hidden",
        f"{API}/agreements/",
        f"{API}/agreements/?partnership=zorbavell-quixmoor",
        f"{API}/cities/",
        f"{API}/cities/?q=Zorbavell",
        f"{API}/partnerships/",
        "/sitemap.xml",
        *(f"/sitemap-{section}.xml" for section in ["meetings", "projects", "agreements"]),
        "/sitemap-cities.xml",
        "/sitemap-partnerships.xml",
    ]
    for url in urls:
        assert_nothing_revealed(url, client.get(url))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram suggestions")
def test_a_draft_only_city_is_not_suggested(client: Any, draft: dict[str, Any]) -> None:
    from cities.models import City as Model

    assert not Model.objects.public().similar_to("Zorbavel").exists()
    assert Model.objects.similar_to("Zorbavel").exists()  # it would have been


def test_gazetteer_cities_stay_public_and_a_published_record_makes_a_city_public(
    client: Any, draft: dict[str, Any]
) -> None:
    reference = CityFactory(name="Referenceton", slug="referenceton", geonames_id=123456)
    assert client.get(reference.get_absolute_url()).status_code == 200
    zorbavell = draft["cities"][0]
    Partnership.objects.filter(pk=draft["partnership"].pk).update(publication_state="published")
    assert client.get(zorbavell.get_absolute_url()).status_code == 200
    assert (
        client.get(reverse("directory:meeting-detail", args=["hidden-summit"])).status_code == 200
    )


def test_a_published_meeting_without_a_partnership_is_public(client: Any, db: None) -> None:
    city = CityFactory(name="Lonely", slug="lonely")
    meeting = MeetingFactory(partnership=None, place=city, slug="lonely-meeting")
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(city.get_absolute_url()).status_code == 200
