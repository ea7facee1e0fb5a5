"""Calls for partners in the API and at addresses of their own (issue 14).

``/api/v1/seeking-partners/`` takes the list page's filters and returns its facet counts,
for published calls running today only; each call has a slug, and its first address by
number moves there for good.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishing.publication import PublicationState
from tests.factories import CityFactory, PartnershipFactory
from tests.test_seeking import DAY, LIST, TODAY, listed, make_search, music, three_calls

pytestmark = pytest.mark.django_db
API = "/api/v1/seeking-partners/"
__all__ = ["music", "three_calls"]  # fixtures used by name


def titles(client: Any, query: str = "") -> list[str]:
    response = client.get(API + query)
    assert response.status_code == 200, response.content
    return [call["title"] for call in response.json()["results"]]


def test_the_api_lists_the_calls_of_the_page_with_its_filters_and_counts(
    client: Any, three_calls: Any
) -> None:
    for query in ("", "?theme=music", "?theme=music&country=IT", "?region=south-eastern-asia"):
        assert sorted(titles(client, query)) == sorted(listed(client, query)), query
    body = client.get(API + "?theme=music").json()
    assert body["count"] == 2
    themes = {option["value"]: option["count"] for option in body["facets"]["theme"]}
    assert themes == {"music": 2, "heritage": 1}
    languages = {option["value"]: option["count"] for option in body["facets"]["language"]}
    assert languages == {"it": 1, "fa": 1, "en": 1}


def test_drafts_calls_not_yet_started_and_ended_ones_are_not_in_the_api(client: Any) -> None:
    city = CityFactory(name="Florence", slug="florence", country="IT")
    make_search(city, title="Running")
    hidden = [
        make_search(city, title="Draft", publication_state=PublicationState.DRAFT),
        make_search(city, title="In review", publication_state=PublicationState.IN_REVIEW),
        make_search(city, title="Ended", starts=TODAY - 9 * DAY, ends=TODAY - DAY),
        make_search(city, title="Next month", starts=TODAY + 30 * DAY, ends=TODAY + 60 * DAY),
    ]
    assert titles(client) == ["Running"]
    for call in hidden:
        assert client.get(f"{API}{call.slug}/").status_code == 404
        assert call.title not in client.get(API + "?q=florence").content.decode()


def test_a_call_in_the_api_says_what_the_page_says(client: Any, music: Any) -> None:
    florence = CityFactory(name="Florence", slug="florence", country="IT")
    PartnershipFactory(city_a=florence)  # Florence has a page of its own
    lonely = CityFactory(name="Ostrelle", slug="ostrelle", country="FR", geonames_id=None)
    call = make_search(
        florence,
        title="Partners for youth exchanges",
        themes=[music],
        countries=["VN", "JP"],
        regions=["western-africa"],
        languages=["it", "en"],
        contact_role="Head of international relations",
        contact_url="https://comune.example.org/relazioni",
    )
    other = make_search(lonely, title="Ostrelle seeks partners")
    body = client.get(f"{API}{call.slug}/").json()
    assert body["slug"] == "florence-partners-for-youth-exchanges"
    assert (
        body["url"] == "http://testserver/seeking-partners/florence-partners-for-youth-exchanges/"
    )
    assert body["city"]["slug"] == "florence" and body["city"]["country"] == "IT"
    assert body["city"]["url"] == "http://testserver/cities/florence/"
    assert body["themes"] == ["music"]
    assert sorted(body["countries"]) == ["JP", "VN"]
    assert body["regions"] == ["western-africa"] and body["languages"] == ["it", "en"]
    assert body["starts"] == call.starts.isoformat() and body["ends"] == call.ends.isoformat()
    assert body["contact"] == {
        "office": "International Relations Office",
        "role": "Head of international relations",
        "email": "international@example.org",
        "web_page": "https://comune.example.org/relazioni",
    }
    # A city with no page of its own is named, not linked (its page would be a 404).
    listed_other = next(
        row for row in client.get(API).json()["results"] if row["slug"] == other.slug
    )
    assert listed_other["city"]["url"] is None
    assert client.get(f"{API}{other.slug}/").json()["city"]["url"] is None


def test_the_api_list_costs_the_same_queries_for_three_calls_or_twenty(
    client: Any, three_calls: Any
) -> None:
    with CaptureQueriesContext(connection) as three:
        assert client.get(API).status_code == 200
    city = CityFactory(country="FR")
    for n in range(17):
        make_search(city, title=f"Call {n}", languages=["fr"], countries=["DE"])
    with CaptureQueriesContext(connection) as twenty:
        assert len(client.get(API).json()["results"]) == 20
    assert len(twenty) == len(three)


@pytest.mark.parametrize(
    "query", ["?country=XX", "?theme=nothing", "?language=klingon", "?page=abc", "?page_size=0"]
)
def test_bad_api_filters_are_a_clear_400(client: Any, three_calls: Any, query: str) -> None:
    assert client.get(API + query).status_code == 400


def test_the_schema_describes_the_calls(client: Any) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/seeking-partners/" in schema
    assert "/api/v1/seeking-partners/{slug}/" in schema
    assert "PartnerSearch" in schema


# -- addresses -----------------------------------------------------------------------------------


def test_a_call_has_an_address_of_its_own_and_the_old_one_moves_there(client: Any) -> None:
    city = CityFactory(name="Florence", slug="florence", country="IT")
    call = make_search(city, title="Partners for urban gardens!")
    assert call.get_absolute_url() == "/seeking-partners/florence-partners-for-urban-gardens/"
    assert client.get(call.get_absolute_url()).status_code == 200
    moved = client.get(f"/seeking-partners/{call.pk}/?lang=it")
    assert moved.status_code == 301
    assert moved["Location"] == f"{call.get_absolute_url()}?lang=it"
    draft = make_search(city, title="Secret", publication_state=PublicationState.DRAFT)
    # A draft's number gets the same 404 as a number of nothing, and says nothing of its slug.
    assert client.get(f"/seeking-partners/{draft.pk}/").status_code == 404
    assert client.get("/seeking-partners/987654/").status_code == 404


def test_a_second_call_with_the_same_title_is_numbered_and_a_slug_stays_put(client: Any) -> None:
    city = CityFactory(name="Florence", slug="florence", country="IT")
    first = make_search(city, title="Youth exchanges")
    second = make_search(city, title="Youth exchanges")
    assert (first.slug, second.slug) == ("florence-youth-exchanges", "florence-youth-exchanges-2")
    first.title = "Youth and school exchanges"
    first.save()
    first.refresh_from_db()
    assert first.slug == "florence-youth-exchanges"  # links already shared keep working
    assert client.get(second.get_absolute_url()).status_code == 200


def test_the_sitemap_and_the_city_page_link_to_the_slug(client: Any) -> None:
    florence = CityFactory(name="Florence", slug="florence", country="IT")
    PartnershipFactory(city_a=florence)
    call = make_search(florence, title="Youth exchanges")
    sitemap = client.get("/sitemap-seeking-partners.xml").content.decode()
    assert "/seeking-partners/florence-youth-exchanges/</loc>" in sitemap
    assert call.get_absolute_url() in client.get("/cities/florence/").content.decode()
    assert call.get_absolute_url() in client.get(LIST).content.decode()


def test_the_admin_fills_the_slug_and_refuses_one_taken(
    client: Any, django_user_model: Any
) -> None:
    from seeking.models import PartnerSearch
    from tests.conftest import admin_url
    from tests.test_seeking import admin_form

    curator = django_user_model.objects.create_superuser("curator", "c@example.org", "pw")
    client.force_login(curator)
    city = CityFactory(name="Florence", slug="florence", country="IT")
    response = client.post(admin_url(PartnerSearch, "add"), admin_form(city))
    assert response.status_code == 302, response.content.decode()[:2000]
    first = PartnerSearch.objects.get()
    assert first.slug == "florence-partners-for-urban-gardens"
    response = client.post(admin_url(PartnerSearch, "add"), admin_form(city, slug=first.slug))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert PartnerSearch.objects.count() == 1
