"""Changelists that work at real scale: one country filter, search by any name, no fake days."""

import re
from typing import Any

import pytest

from agreements.models import Partnership
from cities.models import City

from .conftest import admin_url
from .factories import CityFactory, CityNameFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def listed(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', page)}


@pytest.fixture
def partnerships() -> dict[str, Partnership]:
    florence = CityFactory(name="Florence", country="IT")
    CityNameFactory(city=florence, name="Firenze", language="it")
    kyoto = CityFactory(name="Kyoto", country="JP")
    reims = CityFactory(name="Reims", country="FR")
    aachen = CityFactory(name="Aachen", country="DE")
    return {
        "florence-kyoto": PartnershipFactory(city_a=florence, city_b=kyoto, status="active"),
        "kyoto-florence-draft": PartnershipFactory(
            city_a=kyoto, city_b=florence, kind="friendship", publication_state="draft"
        ),
        "aachen-reims": PartnershipFactory(city_a=aachen, city_b=reims),
    }


def test_one_country_filter_finds_partnerships_on_either_side(
    curator_client: Any, partnerships: dict[str, Partnership]
) -> None:
    url = admin_url(Partnership, "changelist")
    italy = {partnerships["florence-kyoto"].pk, partnerships["kyoto-florence-draft"].pk}
    assert listed(curator_client.get(url + "?country=IT").content.decode()) == italy
    assert listed(curator_client.get(url + "?country=it").content.decode()) == italy
    page = curator_client.get(url + "?country=IT&kind__exact=friendship").content.decode()
    assert listed(page) == {partnerships["kyoto-florence-draft"].pk}
    # The box keeps the other filters; an unknown code selects nothing, never everything.
    assert 'type="hidden" name="kind__exact" value="friendship"' in page
    response = curator_client.get(url + "?country=ZZ")
    assert response.status_code == 200 and listed(response.content.decode()) == set()


def test_the_country_filter_is_a_box_not_a_list_of_every_country(
    curator_client: Any, partnerships: dict[str, Partnership]
) -> None:
    page = curator_client.get(admin_url(Partnership, "changelist")).content.decode()
    assert '<input type="search" id="country-filter" name="country"' in page
    assert '<option value="IT">Italy</option>' in page  # suggestions in a datalist
    assert "city_a__country" not in page and "city_b__country" not in page


def test_search_finds_partnerships_by_any_name_of_either_city_once(
    curator_client: Any, partnerships: dict[str, Partnership]
) -> None:
    url = admin_url(Partnership, "changelist")
    page = curator_client.get(url + "?q=firenze").content.decode()
    found = re.findall(r'name="_selected_action" value="(\d+)"', page)
    assert sorted(map(int, found)) == sorted(
        [partnerships["florence-kyoto"].pk, partnerships["kyoto-florence-draft"].pk]
    )  # each once, though Florence has two matching names
    assert listed(curator_client.get(url + "?q=REIMS").content.decode()) == {
        partnerships["aachen-reims"].pk
    }


def test_no_date_hierarchy_offers_a_day_the_record_does_not_know(
    curator_client: Any,
) -> None:
    PartnershipFactory(established="1998-01-01", established_precision="year")
    page = curator_client.get(admin_url(Partnership, "changelist")).content.decode()
    assert "January 1" not in page
    assert 'class="toplinks"' not in page  # the date hierarchy's links


def test_the_city_changelist_names_countries_and_finds_cities_by_any_name(
    curator_client: Any, partnerships: dict[str, Partnership]
) -> None:
    url = admin_url(City, "changelist")
    page = curator_client.get(url + "?q=firenze").content.decode()
    assert listed(page) == {City.objects.get(name="Florence").pk}
    assert '<td class="field-country_name">Italy</td>' in page
    assert listed(curator_client.get(url + "?country=JP").content.decode()) == {
        City.objects.get(name="Kyoto").pk
    }


def test_each_row_has_the_action_checkbox_django_would_draw(curator_login: Any) -> None:
    """The row checkbox is written directly (cities.admin_tools.BaseAdmin.action_checkbox):
    the same name, value, class and label as Django's, so that actions still find the rows."""
    from tests.factories import PartnershipFactory

    partnership = PartnershipFactory()
    page = curator_login.get("/admin/agreements/partnership/").content.decode()
    assert (
        f'<input type="checkbox" name="_selected_action" value="{partnership.pk}" '
        f'class="action-select" aria-label="Select this object for an action - '
    ) in page
    assert 'id="action-toggle"' in page  # "select all" still has its rows


def test_the_country_filter_follows_a_city_moved_to_another_country(
    curator_client: Any, partnerships: dict[str, Partnership]
) -> None:
    """Read from the facet index: a correction of a city's country moves its partnerships
    to the other country's list at once."""
    url = admin_url(Partnership, "changelist")
    aachen_reims = partnerships["aachen-reims"]
    assert listed(curator_client.get(url + "?country=BE").content.decode()) == set()
    reims = aachen_reims.city_b if aachen_reims.city_b.name == "Reims" else aachen_reims.city_a
    reims.country = "BE"
    reims.save()
    assert listed(curator_client.get(url + "?country=BE").content.decode()) == {aachen_reims.pk}
    assert listed(curator_client.get(url + "?country=FR").content.decode()) == set()
