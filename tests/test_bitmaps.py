"""Facet counts from bitmaps equal the database's, for any filters."""

import runpy
import time
from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from agreements.filters import PartnershipFilter, ProjectFilter
from agreements.models import CulturalProject, Partnership, Theme
from cities.models import City
from publishing.facets import Listing

from .factories import (
    CityFactory,
    CityNameFactory,
    MembershipFactory,
    NetworkFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["IT", "FR", "DE", "IR", "VN"]


def test_a_filterset_given_other_records_counts_within_them(settings: Any) -> None:
    """The bitmaps hold the whole directory: a listing of some of its records (one city's
    partnerships) must not get the whole directory's counts, total or pages."""
    settings.FACET_BITMAPS = "sync"
    florence = CityFactory(country="IT")
    for _ in range(3):
        PartnershipFactory(city_a=florence, city_b=CityFactory(country="FR"), kind="friendship")
    for _ in range(4):
        PartnershipFactory(city_a=CityFactory(country="DE"), city_b=CityFactory(country="FR"))
    everything = Listing(PartnershipFilter(QueryDict(""), queryset=Partnership.objects.published()))
    assert everything.filterset.is_valid()
    assert everything.total() == 7
    mine = PartnershipFilter(
        QueryDict(""), queryset=Partnership.objects.published().involving(florence)
    )
    assert mine.is_valid()
    listing = Listing(mine)
    assert listing.total() == 3
    countries = {facet.name: facet for facet in listing.facets()}["country"]
    assert {o.value: o.count for o in countries.options} == {"IT": 3, "FR": 3}
    assert len(listing.page(1, 2).object_list) == 2
    assert listing.paginator(2).num_pages == 2


def test_a_network_facet_ends_with_the_membership(settings: Any, client: Any) -> None:
    """ "Current members" is right on the day it is read: a membership that ends today
    counts today, not tomorrow, although no record changed."""
    import datetime

    from django.utils import timezone

    settings.FACET_BITMAPS = "sync"
    settings.PUBLIC_PAGE_CACHE = True
    today = timezone.localdate()
    network = NetworkFactory(slug="creative-cities")
    member = CityFactory(country="IT")
    MembershipFactory(city=member, network=network, until=today)
    PartnershipFactory(city_a=member)

    def counted() -> int:
        return client.get("/partnerships/?network=creative-cities").context["page"].paginator.count

    assert counted() == 1
    tomorrow = today + datetime.timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: tomorrow)
        assert counted() == 0
        response = client.get("/api/v1/partnerships/?network=creative-cities")
        assert response.json()["count"] == 0


@pytest.fixture
def records() -> None:
    themes = list(Theme.objects.all()[:4])
    cities = [CityFactory(country=COUNTRIES[n % 5], name=f"Town {n}") for n in range(12)]
    CityNameFactory(city=cities[0], name="Firenze", language="it")
    pairs = [(a, b) for a in range(12) for b in range(a + 1, 12)]
    for n, (a, b) in enumerate(pairs[:40]):
        partnership = PartnershipFactory(
            city_a=cities[a],
            city_b=cities[b],
            kind=["sister_city", "friendship", "cooperation"][n % 3],
            status=["active", "dormant", "", "ended"][n % 4],
            established=f"{1950 + n * 2}-01-01",
            established_precision="year",
            publication_state="draft" if n % 9 == 0 else "published",
        )
        partnership.themes.add(*themes[: n % 4])
    for n in range(10):
        project = ProjectFactory(status=["idea", "planned"][n % 2], publication_state="published")
        project.cities.add(cities[n])


def counts_both_ways(
    settings: Any, filterset_class: Any, queryset: Any, query: str
) -> tuple[Any, Any]:
    results = []
    for mode in ("sync", "off"):
        settings.FACET_BITMAPS = mode
        filterset = filterset_class(QueryDict(query), queryset=queryset)
        assert filterset.is_valid(), filterset.errors
        total = filterset.total()
        results.append(
            (filterset.compute_facet_counts(), total if mode == "sync" else filterset.qs.count())
        )
    return results[0], results[1]


@pytest.mark.usefixtures("records")
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    parameters=st.lists(
        st.one_of(
            st.tuples(st.just("country"), st.sampled_from(COUNTRIES)),
            st.tuples(
                st.just("kind"), st.sampled_from(["sister_city", "friendship", "cooperation"])
            ),
            st.tuples(st.just("status"), st.sampled_from(["active", "dormant", "ended"])),
            st.tuples(st.just("decade"), st.sampled_from(["1950", "1960", "1970", "2020"])),
            st.tuples(st.just("theme"), st.sampled_from(["music", "museums", "arts", "crafts"])),
            st.tuples(st.just("region"), st.sampled_from(["southern-europe", "western-europe"])),
            st.tuples(st.just("q"), st.sampled_from(["town 1", "firenze", "nothing", "f", "o"])),
            st.tuples(st.just("pair"), st.sampled_from(["FR-IT", "DE-IR"])),
        ),
        max_size=4,
    )
)
def test_bitmap_counts_equal_database_counts(
    settings: Any, parameters: list[tuple[str, str]]
) -> None:
    query = "&".join(f"{name}={value}" for name, value in parameters)
    published = Partnership.objects.published()
    from_bitmaps, from_database = counts_both_ways(settings, PartnershipFilter, published, query)
    assert from_bitmaps == from_database
    settings.FACET_BITMAPS = "sync"
    filterset = PartnershipFilter(QueryDict(query), queryset=published)
    assert filterset.is_valid()
    in_order = list(filterset.qs.order_by("slug").values_list("pk", flat=True))
    assert filterset.page_ids(0, 7) == in_order[:7]
    assert filterset.page_ids(5, 7) == in_order[5:12]


@pytest.mark.usefixtures("records")
def test_a_one_letter_search_matches_names_by_their_start(settings: Any, client: Any) -> None:
    # "F" finds Firenze (Town 0's Italian name); "o" is in every "Town" but starts none.
    florence = City.objects.get(name="Town 0")
    expected = Partnership.objects.published().involving(florence).count()
    for mode in ("sync", "off"):
        settings.FACET_BITMAPS = mode
        found = client.get("/partnerships/?q=F").context["page"]
        assert found.paginator.count == expected > 0
        assert {p.pk for p in found} <= set(
            Partnership.objects.involving(florence).values_list("pk", flat=True)
        )
        assert client.get("/partnerships/?q=o").context["page"].paginator.count == 0


@pytest.mark.usefixtures("records")
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/partnerships/?page_size=7&page=2",
        "/api/v1/partnerships/?country=IT&page_size=5&page=2",
        "/api/v1/partnerships/?kind=friendship&status=active",
        "/api/v1/partnerships/?sort=-established&page_size=4",
        "/api/v1/projects/?status=planned&page_size=3&page=2",
        "/partnerships/?country=FR&country=IT&page=2",
        "/projects/?status=idea",
    ],
)
def test_pages_from_the_bitmaps_are_the_database_pages(
    settings: Any, client: Any, url: str
) -> None:
    answers = []
    for mode in ("sync", "off"):
        settings.FACET_BITMAPS = mode
        response = client.get(url)
        assert response.status_code == 200
        if url.startswith("/api/"):
            body = response.json()
            answers.append((body["count"], [row["slug"] for row in body["results"]]))
        else:
            page = response.context["page"]
            answers.append((page.paginator.count, [record.slug for record in page]))
    assert answers[0] == answers[1]
    assert answers[0][1]  # a page with records, not two empty ones


def test_project_bitmaps_equal_database_counts(settings: Any) -> None:
    published = CulturalProject.objects.published()
    for query in ("", "status=idea", "country=IT&status=planned"):
        from_bitmaps, from_database = counts_both_ways(settings, ProjectFilter, published, query)
        assert from_bitmaps == from_database


def test_a_publication_retires_the_bitmaps(settings: Any, client: Any) -> None:
    settings.FACET_BITMAPS = "sync"
    PartnershipFactory(city_a=CityFactory(country="IT"))
    assert client.get("/partnerships/?country=IT").context["page"].paginator.count == 1
    draft = PartnershipFactory(city_a=CityFactory(country="IT"), publication_state="draft")
    assert client.get("/partnerships/?country=IT").context["page"].paginator.count == 1
    draft.publication_state = "published"
    draft.save()
    response = client.get("/partnerships/?country=IT")
    assert response.context["page"].paginator.count == 2
    country = {f.name: f for f in response.context["facets"]}["country"]
    assert {o.value: o.count for o in country.options}["IT"] == 2


def test_until_the_bitmaps_are_built_the_database_counts(
    settings: Any, client: Any, monkeypatch: Any
) -> None:
    from publishing.bitmaps import STORES, BitmapStore

    settings.FACET_BITMAPS = "background"
    STORES.clear()
    started: list[int] = []
    monkeypatch.setattr(BitmapStore, "rebuild", lambda self, *args: started.append(args[-1]))
    PartnershipFactory(city_a=CityFactory(country="IT"))
    # The background thread cannot see this test's transaction; the page counts in the
    # database meanwhile, and is right.
    response = client.get("/partnerships/?country=IT")
    assert response.context["page"].paginator.count == 1
    assert started  # a rebuild was asked for, once
    assert len(set(started)) == 1
    STORES.clear()


def test_public_pages_are_cached_until_the_records_change(settings: Any, client: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE = True
    partnership = PartnershipFactory(summary="First words")
    first = client.get(partnership.get_absolute_url())
    with CaptureQueriesContext(connection) as context:
        again = client.get(partnership.get_absolute_url())
    assert again.content == first.content
    assert len(context.captured_queries) == 1  # the content version, nothing else
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    partnership.summary = "Second words"
    partnership.save()
    assert "Second words" in client.get(partnership.get_absolute_url()).content.decode()
    partnership.publication_state = "withdrawn"
    partnership.save()
    assert client.get(partnership.get_absolute_url()).status_code == 404
    fa = client.get("/fa" + partnership.get_absolute_url())
    assert fa.status_code == 404


# serialized_rollback: the flush after it leaves the tables empty rather than re-run
# post_migrate, whose content types a later serialized test (tests/test_restore.py) would
# then insert twice (PostgreSQL).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_worker_reads_its_bitmaps_before_the_first_visitor(
    settings: Any, client: Any
) -> None:
    """gunicorn's post_worker_init warms the read model: the first browse page of a worker
    then counts from memory instead of in the database (make bench saw four cold workers of
    five serve 8 pages a second)."""
    from publishing.bitmaps import STORES, readiness

    settings.FACET_BITMAPS = "background"
    STORES.clear()
    PartnershipFactory(city_a=CityFactory(country="IT"), city_b=CityFactory(country="FR"))
    assert readiness() == "cold"
    hooks = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    hooks["post_worker_init"](None)  # as gunicorn does once the worker has loaded the app
    for _ in range(200):  # the warming thread starts the build in a thread of its own
        if readiness() == "ready":
            break
        time.sleep(0.05)
    assert readiness() == "ready"
    bitmaps = STORES["agreements.PartnershipFacet"].current
    assert bitmaps is not None and len(bitmaps.universe) == 1
    response = client.get("/partnerships/")
    assert response.context["page"].paginator.count == 1
    STORES.clear()
