"""A few anonymous requests cannot take the site down: canonical page-cache keys, bounded
search, and limits on expensive pages (publishing/page_cache.py, common/overload.py)."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import overload
from publishing.publication import PublicationState

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CHARTS = "/partnerships/charts/"


@pytest.fixture
def page_cache(settings: Any) -> None:
    settings.PUBLIC_PAGE_CACHE = True


@pytest.fixture
def limits(settings: Any) -> Iterator[None]:
    """The production limits, with this process's slots fresh."""
    settings.EXPENSIVE_CONCURRENCY = 1
    settings.EXPENSIVE_RATE = "30/min"
    overload._slots.clear()
    yield
    overload._slots.clear()


@pytest.fixture
def partnerships() -> None:
    for country in ("FR", "IT", "PL"):
        PartnershipFactory(city_a=CityFactory(country="DE"), city_b=CityFactory(country=country))


def queries_of(client: Any, url: str, **headers: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    return response, len(context.captured_queries)


def test_an_unknown_parameter_does_not_make_a_new_cache_entry(
    client: Any, page_cache: None, partnerships: None
) -> None:
    first, computed = queries_of(client, f"{CHARTS}?country=DE&x=1")
    second, cached = queries_of(client, f"{CHARTS}?country=DE&x=2")
    assert first.status_code == second.status_code == 200
    assert computed > 5
    assert cached == 1  # the content version only
    assert first.content == second.content
    assert b"x=1" not in first.content  # the page is built from the canonical query


@pytest.mark.parametrize(
    "variant",
    [
        "country=de",
        "country=DE&country=DE",
        "country=+DE+&utm_source=mail",
        "country=DE&page=1",
        "country=DE&x=%00",
    ],
)
def test_the_same_filters_written_differently_share_one_entry(
    client: Any, page_cache: None, partnerships: None, variant: str
) -> None:
    assert client.get("/partnerships/?country=DE").status_code == 200
    response, queries = queries_of(client, f"/partnerships/?{variant}")
    assert response.status_code == 200
    assert queries == 1


def test_facet_values_in_another_order_share_one_entry(
    client: Any, page_cache: None, partnerships: None
) -> None:
    assert client.get(f"{CHARTS}?country=FR&country=DE").status_code == 200
    response, queries = queries_of(client, f"{CHARTS}?country=DE&country=FR")
    assert response.status_code == 200
    assert queries == 1


def test_an_htmx_header_with_any_value_is_not_a_new_entry(
    client: Any, page_cache: None, partnerships: None
) -> None:
    assert client.get(f"{CHARTS}?country=DE").status_code == 200
    _response, queries = queries_of(client, f"{CHARTS}?country=DE", HTTP_HX_REQUEST="x1")
    assert queries == 1


@pytest.mark.parametrize(
    "url",
    [
        f"{CHARTS}?country=ZZ",
        f"{CHARTS}?decade=abc",
        "/partnerships/?page=abc",
        "/partnerships/?page=0",
        "/partnerships/?sort=nonsense",
        "/partnerships/?q=a%00b",
        "/partnerships/map.svg?status=nonsense",
        "/search/?q=a%00b",
        "/cities/?format=xls",
        "/projects/?year=99999",
    ],
)
def test_an_invalid_value_is_a_400_never_a_500(
    client: Any, page_cache: None, partnerships: None, url: str
) -> None:
    assert client.get(url).status_code == 400
    assert client.get(url).status_code == 400  # and never cached as a page


def test_a_one_letter_search_matches_names_by_their_start(client: Any) -> None:
    PartnershipFactory(city_a=CityFactory(name="Essen"), city_b=CityFactory(name="Graz"))
    PartnershipFactory(city_a=CityFactory(name="Berlin"), city_b=CityFactory(name="Paris"))
    html = client.get("/search/?q=e").content.decode()
    assert "Essen" in html and "Berlin" not in html
    html = client.get("/search/?q=er").content.decode()
    assert "Berlin" in html  # two letters match anywhere


def test_a_one_letter_search_ranks_an_exact_name_first_then_by_population(client: Any) -> None:
    """With one letter only an exact name ranks above the names that start with it (read
    from the names equal to the letter alone); the rest follow by population, a city found
    under another name among them."""
    from .factories import CityNameFactory

    tiny = CityFactory(name="Ebbsfleet Test", population=10)
    CityNameFactory(city=tiny, name="E", language="")
    large = CityFactory(name="Eastbourne Test", population=100_000)
    other = CityFactory(name="Oberstadt Test", population=50_000)
    CityNameFactory(city=other, name="Eberstadt", language="de")
    for city in (tiny, large, other):
        PartnershipFactory(city_a=city, city_b=CityFactory(name="Zzyzx Test"))
    html = client.get("/search/?q=e").content.decode()
    found = [html.index(name) for name in ("Ebbsfleet", "Eastbourne", "Oberstadt")]
    assert found == sorted(found), found


def test_a_one_letter_search_follows_publication_at_once(client: Any) -> None:
    """A one-letter key's cities are kept once per read version: a city that only a draft
    names is not found; once that partnership is published, the next search finds it."""
    PartnershipFactory(city_a=CityFactory(name="Essen"), city_b=CityFactory(name="Graz"))
    draft = PartnershipFactory(
        city_a=CityFactory(name="Erfurt Draftonly"),
        city_b=CityFactory(name="Zagreb"),
        publication_state=PublicationState.DRAFT,
    )
    html = client.get("/search/?q=e").content.decode()
    assert "Essen" in html and "Erfurt Draftonly" not in html
    draft.publication_state = PublicationState.PUBLISHED
    draft.save()
    html = client.get("/search/?q=e").content.decode()
    assert "Erfurt Draftonly" in html and "Essen" in html


def test_a_one_letter_search_issues_a_constant_number_of_queries(client: Any) -> None:
    def add(count: int) -> None:
        for n in range(count):
            PartnershipFactory(city_a=CityFactory(name=f"Eden {n}"), city_b=CityFactory())

    add(2)
    few = queries_of(client, "/search/?q=e")[1]
    add(20)
    assert queries_of(client, "/search/?q=e")[1] == few


def test_when_the_slot_is_taken_expensive_pages_are_refused_at_once(
    client: Any, limits: None, partnerships: None
) -> None:
    slot = overload.slots()
    assert slot is not None and slot.acquire(blocking=False)
    try:
        for url in (f"{CHARTS}?country=DE", "/search/?q=berlin", "/partnerships/?country=DE"):
            response, queries = queries_of(client, url)
            assert response.status_code == 503
            assert int(response["Retry-After"]) > 0
            assert response["Cache-Control"] == "no-store"
            assert queries == 0
        assert client.get("/robots.txt").status_code == 200
        assert client.get("/health/").status_code == 200
        assert client.get("/partnerships/").status_code == 200  # unfiltered: the bitmaps
    finally:
        slot.release()
    assert client.get(f"{CHARTS}?country=DE").status_code == 200


def test_a_cached_expensive_page_is_served_while_the_slot_is_taken(
    client: Any, limits: None, page_cache: None, partnerships: None
) -> None:
    assert client.get(f"{CHARTS}?country=DE").status_code == 200
    slot = overload.slots()
    assert slot is not None and slot.acquire(blocking=False)
    try:
        assert client.get(f"{CHARTS}?country=DE&x=new").status_code == 200
        assert client.get(f"{CHARTS}?country=FR").status_code == 503
    finally:
        slot.release()


def test_a_download_holds_its_slot_until_it_is_sent(
    client: Any, limits: None, partnerships: None
) -> None:
    response = client.get("/partnerships/?format=csv")
    assert response.status_code == 200
    assert client.get(f"{CHARTS}?country=DE").status_code == 503
    b"".join(response.streaming_content)  # the test client closes it at the end
    assert client.get(f"{CHARTS}?country=DE").status_code == 200


def test_a_client_over_its_rate_gets_429_and_others_do_not(
    client: Any, limits: None, settings: Any, partnerships: None
) -> None:
    settings.EXPENSIVE_RATE = "2/min"
    assert client.get("/search/?q=one").status_code == 200
    assert client.get("/search/?q=two").status_code == 200
    refused = client.get("/search/?q=three")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/search/?q=three", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_a_proxy_the_rate_is_per_forwarded_client(
    client: Any, limits: None, settings: Any, partnerships: None
) -> None:
    settings.EXPENSIVE_RATE = "1/min"
    settings.NUM_PROXIES = 1
    one = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.get("/search/?q=one", **one).status_code == 200
    assert client.get("/search/?q=two", **one).status_code == 429
    assert client.get("/search/?q=two", **other).status_code == 200


def test_the_sitemap_ignores_unknown_parameters(client: Any, page_cache: None) -> None:
    assert client.get("/sitemap.xml").status_code == 200
    response, queries = queries_of(client, "/sitemap.xml?x=1")
    assert response.status_code == 200
    assert queries == 1


def test_the_rate_is_shared_by_every_worker_process(
    client: Any, limits: None, settings: Any, partnerships: None
) -> None:
    """Counted in the shared throttle cache: a worker with an empty memory of its own (another
    process, simulated by emptying the local cache) still knows the client's count."""
    from django.core.cache import cache

    settings.EXPENSIVE_RATE = "1/min"
    assert client.get("/search/?q=one").status_code == 200
    cache.clear()
    assert client.get("/search/?q=two").status_code == 429
