"""The partnerships and projects browse pages: faceted search as researchers expect it."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.filters import PartnershipFilter
from agreements.models import Partnership, Theme

from .factories import (
    CityFactory,
    CityNameFactory,
    MembershipFactory,
    NetworkFactory,
    PartnershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

BROWSE = reverse("directory:partnership-list")


def pair(country_a: str, country_b: str, **fields: Any) -> Partnership:
    return PartnershipFactory(
        city_a=CityFactory(country=country_a), city_b=CityFactory(country=country_b), **fields
    )


def listed(client: Any, query: str = "") -> set[str]:
    response = client.get(f"{BROWSE}?{query}")
    assert response.status_code == 200, response.content.decode()[:500]
    return {p.slug for p in response.context["page"].object_list}


def counts(client: Any, query: str, facet: str) -> dict[str, int]:
    facets = {f.name: f for f in client.get(f"{BROWSE}?{query}").context["facets"]}
    return {option.value: option.count for option in facets[facet].options}


def themed(partnership: Partnership, *slugs: str) -> Partnership:
    partnership.themes.add(*Theme.objects.filter(slug__in=slugs))
    return partnership


def test_several_values_of_one_facet_widen_the_list(client: Any) -> None:
    italy_iran, italy_france, france_spain = pair("IT", "IR"), pair("IT", "FR"), pair("FR", "ES")
    assert listed(client, "country=IR") == {italy_iran.slug}
    assert listed(client, "country=IR&country=ES") == {italy_iran.slug, france_spain.slug}
    assert listed(client, "country=IT") == {italy_iran.slug, italy_france.slug}


def test_facets_together_narrow_the_list(client: Any) -> None:
    friendly = pair("IT", "IR", kind="friendship")
    pair("IT", "IR", kind="cooperation")
    pair("FR", "ES", kind="friendship")
    assert listed(client, "country=IR&kind=friendship") == {friendly.slug}


def test_a_facets_counts_ignore_its_own_selection_and_honour_the_others(client: Any) -> None:
    pair("IT", "IR", kind="friendship")
    pair("IT", "FR", kind="friendship")
    pair("FR", "ES", kind="cooperation")
    # With Iran chosen, the other countries still show what choosing them would add...
    assert counts(client, "country=IR", "country") == {"IT": 2, "IR": 1, "FR": 2, "ES": 1}
    # ...while the other facets count only what Iran leaves.
    assert counts(client, "country=IR", "kind") == {"friendship": 1}
    # And a selected kind narrows the country counts.
    assert counts(client, "kind=cooperation", "country") == {"FR": 1, "ES": 1}


def test_a_partnership_within_one_country_counts_once_for_it(client: Any) -> None:
    pair("IT", "IT")
    pair("IT", "DE")
    assert counts(client, "", "country") == {"IT": 2, "DE": 1}


def test_a_value_without_results_is_hidden_unless_it_is_selected(client: Any) -> None:
    pair("IT", "IR", kind="friendship")
    pair("FR", "ES", kind="cooperation")
    kinds = counts(client, "country=IR&kind=cooperation", "kind")
    assert kinds == {"friendship": 1, "cooperation": 0}
    assert "sister_city" not in counts(client, "", "kind")
    page = client.get(f"{BROWSE}?country=IR").content.decode()
    kind_panel = page.split('id="facet-kind"')[1].split("</fieldset>")[0]
    assert 'value="friendship"' in kind_panel
    assert 'value="cooperation"' not in kind_panel


def test_drafts_are_neither_listed_nor_counted(client: Any) -> None:
    shown = pair("IT", "IR")
    pair("IT", "VN", publication_state="draft")
    pair("IT", "VN", publication_state="in_review")
    pair("IT", "VN", publication_state="withdrawn")
    assert listed(client) == {shown.slug}
    assert counts(client, "", "country") == {"IT": 1, "IR": 1}
    assert "VN" not in client.get(BROWSE).content.decode()


def test_theme_decade_region_and_kind_facets_filter(client: Any) -> None:
    music = themed(
        pair("IT", "IR", established="1998-05-01", established_precision="year"), "music"
    )
    themed(pair("DE", "FR", established="1961-01-01", established_precision="year"), "education")
    assert listed(client, "theme=music") == {music.slug}
    assert listed(client, "decade=1990") == {music.slug}
    assert listed(client, "region=southern-asia") == {music.slug}
    assert counts(client, "", "decade") == {"1990": 1, "1960": 1}
    # Germany and France are both in Western Europe: their partnership counts once there.
    assert counts(client, "", "region") == {
        "southern-europe": 1,
        "southern-asia": 1,
        "western-europe": 1,
    }


def test_the_network_facet_finds_partnerships_whose_cities_are_members(client: Any) -> None:
    network = NetworkFactory(slug="uccn")
    member = CityFactory(country="IT")
    MembershipFactory(city=member, network=network)
    MembershipFactory(city=CityFactory(), network=network, publication_state="draft")
    linked = PartnershipFactory(city_a=member)
    PartnershipFactory()
    assert listed(client, "network=uccn") == {linked.slug}
    assert counts(client, "", "network") == {"uccn": 1}


def test_a_country_pair_lists_only_partnerships_between_the_two(client: Any) -> None:
    de_fr = pair("DE", "FR")
    pair("DE", "IT")
    pair("FR", "IT")
    assert listed(client, "pair=DE-FR") == {de_fr.slug}


def test_free_text_finds_partnerships_under_any_name_of_their_cities(client: Any) -> None:
    florence = CityFactory(name="Florence", slug="florence")
    CityNameFactory(city=florence, name="Firenze", language="it")
    CityNameFactory(city=florence, name="فلورانس", language="fa")
    with_florence = PartnershipFactory(city_b=florence)
    PartnershipFactory()
    assert listed(client, "q=firenze") == {with_florence.slug}
    assert listed(client, "q=فلورانس") == {with_florence.slug}
    assert listed(client, "q=FLOR") == {with_florence.slug}


def test_free_text_matching_many_cities_finds_the_same_partnerships(
    client: Any, monkeypatch: Any
) -> None:
    florence = CityFactory(name="Florence", slug="florence")
    flores = CityFactory(name="Flores", slug="flores")
    found = {PartnershipFactory(city_a=florence).slug, PartnershipFactory(city_b=flores).slug}
    PartnershipFactory()
    assert listed(client, "q=flor") == found
    # Beyond the cities the filter lists inline, it asks the database with a subquery.
    monkeypatch.setattr(PartnershipFilter, "CITY_IDS_INLINE", 1)
    cache.clear()
    assert listed(client, "q=flor") == found


def test_sort_orders_by_year_with_undated_last(client: Any) -> None:
    old = pair("IT", "IR", established="1961-01-01", established_precision="year")
    new = pair("IT", "FR", established="2001-01-01", established_precision="year")
    undated = pair("IT", "DE", established=None, established_precision="")
    oldest_first = client.get(f"{BROWSE}?sort=established").context["page"].object_list
    newest_first = client.get(f"{BROWSE}?sort=-established").context["page"].object_list
    assert [p.pk for p in oldest_first] == [old.pk, new.pk, undated.pk]
    assert [p.pk for p in newest_first] == [new.pk, old.pk, undated.pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=ZZ", "ZZ is not a known value of this filter."),
        ("decade=abc", "abc is not a known value of this filter."),
        ("decade=1995", "1995 is not a known value of this filter."),
        ("theme=space-travel", "space-travel is not a known value of this filter."),
        ("kind=<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt; is not a known"),
        ("pair=FR-ZZ", "FR-ZZ is not a pair of country codes in alphabetical order"),
        ("pair=FR", "FR is not a pair of country codes in alphabetical order"),
        ("sort=random", "Select a valid choice."),
        ("q=" + "x" * 300, "The search text is too long (at most 200 characters)."),
    ],
)
def test_a_malformed_filter_is_a_400_that_says_what_is_wrong(
    client: Any, query: str, message: str
) -> None:
    response = client.get(f"{BROWSE}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize(("page", "status"), [("abc", 400), ("-1", 400), ("0", 400), ("9", 404)])
def test_a_page_outside_the_list_is_refused(client: Any, page: str, status: int) -> None:
    pair("IT", "IR")
    assert client.get(f"{BROWSE}?page={page}").status_code == status


def test_pages_hold_twenty_records_and_keep_the_filters_in_their_links(client: Any) -> None:
    for _ in range(25):
        pair("IT", "IR")
    first = client.get(f"{BROWSE}?country=IT")
    assert len(first.context["page"].object_list) == 20
    assert "?country=IT&amp;page=2" in first.content.decode()
    assert len(client.get(f"{BROWSE}?country=IT&page=2").context["page"].object_list) == 5


def test_an_htmx_request_gets_only_the_region_that_changes(client: Any) -> None:
    pair("IT", "IR")
    full = client.get(BROWSE)
    partial = client.get(BROWSE, headers={"HX-Request": "true"})
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().lstrip().startswith('<form id="browse"')
    assert "HX-Request" in partial["Vary"]
    restore = client.get(
        BROWSE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_chips_remove_one_value_and_keep_the_rest(client: Any) -> None:
    pair("IT", "IR", kind="friendship")
    html = client.get(f"{BROWSE}?country=IT&country=IR&kind=friendship").content.decode()
    assert 'href="?country=IR&amp;kind=friendship"' in html  # the Italy chip
    assert 'href="?country=IT&amp;country=IR"' in html  # the kind chip
    assert "Clear all filters" in html


def test_the_form_works_without_javascript(client: Any) -> None:
    html = client.get(BROWSE).content.decode()
    assert '<form id="browse" class="browse" method="get" action="/partnerships/"' in html
    assert 'type="submit"' in html


# Queries of a browse page, whatever the number of rows. With the facet bitmaps (the
# default): the content version, the page's rows, their cities' local names (2) and themes;
# counts come from memory, however many facets are active, and the theme and network
# choices are read once per read version and process. Counting in the database instead
# (FACET_BITMAPS=off): also the count, one query for all idle facets and one more per active
# facet.
@pytest.mark.parametrize(
    ("mode", "query", "expected"),
    [
        ("sync", "", 5),
        ("sync", "country=IT&theme=music", 5),
        ("sync", "country=IT&kind=sister_city&decade=1990", 5),
        # Text search: the matching cities' ids in one query, once a request, however many
        # ask for them (the listing, the counts, the bitmaps' mask).
        ("sync", "q=city&country=IT", 6),
        ("off", "", 7),
        ("off", "country=IT&theme=music", 9),
        ("off", "country=IT&kind=sister_city&decade=1990", 10),
    ],
)
def test_the_browse_page_issues_a_constant_number_of_queries(
    client: Any, settings: Any, mode: str, query: str, expected: int
) -> None:
    settings.FACET_BITMAPS = mode

    def queries() -> int:
        client.get(f"{BROWSE}?{query}")  # the facet bitmaps catch up with the new records
        cache.clear()  # as after a publication: no count cached
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"{BROWSE}?{query}").status_code == 200
        return len(context.captured_queries)

    def add(count: int) -> None:
        for _ in range(count):
            themed(
                pair("IT", "FR", established="1995-01-01", established_precision="year"),
                "music",
                "education",
            )

    add(2)
    queries()  # warms the per-process caches (content types), as on a running site
    few = queries()
    add(30)
    assert few == queries() == expected


PROJECTS = reverse("directory:project-list")


def test_projects_browse_by_theme_status_country_and_year(client: Any) -> None:
    city = CityFactory(country="IR")
    music = ProjectFactory(
        partnership=None, status="planned", start="2021-06-01", start_precision="month"
    )
    music.cities.add(city)
    music.themes.add(Theme.objects.get(slug="music"))
    other = ProjectFactory(status="completed")
    ProjectFactory(publication_state="draft", status="planned")

    def projects(query: str) -> set[int]:
        response = client.get(f"{PROJECTS}?{query}")
        assert response.status_code == 200
        return {p.pk for p in response.context["page"].object_list}

    assert projects("") == {music.pk, other.pk}
    assert projects("theme=music") == {music.pk}
    assert projects("country=IR") == {music.pk}
    assert projects("year=2021") == {music.pk}
    assert projects("status=completed") == {other.pk}
    facets = {f.name: f for f in client.get(PROJECTS).context["facets"]}
    assert {o.value: o.count for o in facets["status"].options} == {"planned": 1, "completed": 1}
    assert client.get(f"{PROJECTS}?year=abc").status_code == 400
