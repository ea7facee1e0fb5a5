"""The interactive map's data (directory/graphics.py map_data, read by static/js/map.js): only
public records, the page's own city marked, a caption that says how much of the list it shows,
in the page's language and digits; the pages that carry it load nothing from elsewhere.
(How it behaves in a browser: tests/browser/test_map.py.)"""

import json
import re
from typing import Any

import pytest

from directory import graphics
from publishing.publication import PublicationState

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub() -> Any:
    """A city with three published partners where coordinates are known, one without, and a
    draft partnership whose partner no public page may name."""
    hub = CityFactory(name="Mapton", slug="mapton", latitude=45.0, longitude=9.0)
    for n, (lat, lon) in enumerate([(48.0, 2.0), (52.0, 13.0), (-33.0, 151.0)]):
        PartnershipFactory(
            city_a=hub,
            city_b=CityFactory(name=f"Partner {n}", latitude=lat, longitude=lon, country="FR"),
        )
    PartnershipFactory(city_a=hub, city_b=CityFactory(name="Nowhere Known", country="FR"))
    PartnershipFactory(
        city_a=hub,
        city_b=CityFactory(name="Secret Draft Partner", latitude=1.0, longitude=1.0),
        publication_state=PublicationState.DRAFT,
    )
    return hub


def data(client: Any, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return dict(json.loads(response.content))


def test_the_browse_map_shows_published_cities_only_and_links_them(client: Any, hub: Any) -> None:
    found = data(client, "/partnerships/map.json")
    names = {city["name"] for city in found["cities"]}
    assert names == {"Mapton", "Partner 0", "Partner 1", "Partner 2"}
    assert "Secret Draft Partner" not in json.dumps(found, ensure_ascii=False)
    mapton = next(city for city in found["cities"] if city["name"] == "Mapton")
    assert mapton["url"] == "/cities/mapton/" and not mapton["focus"]
    assert mapton["label"] == "Mapton: 3 partnerships on the map"
    # Each line joins two of the cities and opens its partnership's page.
    assert len(found["links"]) == 3
    for link in found["links"]:
        assert found["cities"][link["a"]]["name"] == "Mapton"
        assert client.get(link["url"]).status_code == 200
    # Four partnerships are listed, three can be drawn: the caption says so.
    assert (found["shown"], found["total"], found["capped"]) == (3, 4, True)
    assert found["caption"] == "3 of 4 partnerships shown on the map"


def test_the_browse_map_follows_the_filters(client: Any, hub: Any) -> None:
    found = data(client, "/partnerships/map.json?country=IT&country=FR")
    assert found["total"] == 4
    assert data(client, "/partnerships/map.json?country=VN")["cities"] == []
    assert client.get("/partnerships/map.json?status=nonsense").status_code == 400


def test_a_capped_map_says_how_many_of_how_many_it_shows(
    client: Any, hub: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(graphics, "INTERACTIVE_LIMIT", 2)
    found = data(client, "/partnerships/map.json")
    assert (found["shown"], found["total"]) == (2, 4)
    assert found["caption"] == "2 of 4 partnerships shown on the map"
    assert len(data(client, "/cities/mapton/map.json")["links"]) == 2


def test_the_caption_and_labels_are_in_the_pages_language_and_digits(client: Any, hub: Any) -> None:
    found = data(client, "/fa/partnerships/map.json")
    assert re.search("[۰-۹]", found["caption"]) and not re.search("[0-9]", found["caption"])
    assert "۳" in found["caption"] and "۴" in found["caption"]
    assert found["labels"]["zoomIn"] != "Zoom in"
    assert all(entry["label"] for entry in found["legend"])
    italian = data(client, "/it/partnerships/map.json")
    assert italian["caption"] != "3 of 4 partnerships shown on the map"


def test_a_city_map_marks_the_city_itself(client: Any, hub: Any) -> None:
    found = data(client, "/cities/mapton/map.json")
    focused = [city["name"] for city in found["cities"] if city["focus"]]
    assert focused == ["Mapton"]
    assert found["legend"][0] == {"kind": "focus", "label": "This city"}
    assert (found["shown"], found["total"]) == (3, 4)
    assert "Secret Draft Partner" not in json.dumps(found)


def test_a_draft_partnership_or_hidden_city_has_no_map(client: Any, hub: Any) -> None:
    from agreements.models import Partnership

    draft = Partnership.objects.get(publication_state=PublicationState.DRAFT)
    assert client.get(f"/partnerships/{draft.slug}/map.json").status_code == 404
    secret = draft.city_b
    assert client.get(f"/cities/{secret.slug}/map.json").status_code == 404


def test_a_partnership_map_shows_its_two_cities(client: Any, hub: Any) -> None:
    from agreements.models import Partnership

    partnership = Partnership.objects.published().get(city_b__name="Partner 2")
    found = data(client, f"/partnerships/{partnership.slug}/map.json")
    assert [city["name"] for city in found["cities"]] == ["Mapton", "Partner 2"]
    assert found["caption"] == "1 partnership shown on the map" and not found["capped"]


def test_the_base_layer_is_the_vendored_world_atlas(client: Any) -> None:
    response = client.get("/maps/world.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    world = json.loads(response.content)
    polygons = world["features"][0]["geometry"]["coordinates"]
    assert len(polygons) > 250  # the 177 countries of the 1:110m atlas, islands apart
    for polygon in polygons:
        for ring in polygon:
            assert ring[0] == ring[-1]
            assert all(-200 <= lon <= 200 and -90 <= lat <= 90 for lon, lat in ring)


def test_pages_load_the_map_from_our_static_files_only(client: Any, hub: Any) -> None:
    for url in ["/partnerships/", "/cities/mapton/"]:
        html = client.get(url).content.decode()
        figure = re.search(r'<figure class="map"[^>]*>', html)
        assert figure, url
        assert 'data-map-leaflet="/static/vendor/leaflet/leaflet.js"' in figure.group()
        assert '<script src="/static/js/map.js" defer></script>' in html
        assert "unpkg" not in html and "cdn" not in html.lower() and "tile" not in html
    # Served from static/, with their licences beside them.
    from django.contrib.staticfiles import finders

    for path in [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/LICENSE",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "vendor/leaflet.markercluster/MarkerCluster.css",
        "vendor/leaflet.markercluster/LICENSE",
        "js/map.js",
    ]:
        assert finders.find(path), path


def test_without_javascript_a_long_list_says_the_map_is_capped(client: Any, hub: Any) -> None:
    from django.template.loader import render_to_string

    html = client.get("/partnerships/").content.decode()
    assert "The map draws at most" not in html  # four partnerships: the poster draws them all

    capped = render_to_string(
        "includes/map.html", {"map_url": "/partnerships/map.svg?", "map_total": 5457}
    )
    assert f"The map draws at most {graphics.MAP_LIMIT} of these 5,457 partnerships" in capped


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/partnerships/map.json", 8),  # with the filter choices and the first bitmaps
        ("/cities/mapton/map.json", 6),
        ("/partnerships/{slug}/map.json", 3),
    ],
)
def test_the_map_data_takes_a_few_queries(
    client: Any, hub: Any, django_assert_max_num_queries: Any, url: str, queries: int
) -> None:
    from agreements.models import Partnership

    slug = Partnership.objects.published().first().slug  # type: ignore[union-attr]
    with django_assert_max_num_queries(queries):
        assert client.get(url.format(slug=slug)).status_code == 200


def test_a_list_with_nothing_mappable_says_so_instead_of_an_empty_map(client: Any) -> None:
    PartnershipFactory(
        city_a=CityFactory(name="Unplaced One", country="DE"),
        city_b=CityFactory(name="Unplaced Two", country="DE"),
    )
    found = data(client, "/partnerships/map.json?country=DE")
    assert (found["shown"], found["total"], found["cities"]) == (0, 1, [])
    assert found["caption"] == (
        "This partnership is not on the map: the coordinates of its cities are not known."
    )
    PartnershipFactory(
        city_a=CityFactory(name="Unplaced Three", country="DE"),
        city_b=CityFactory(name="Unplaced Four", country="DE"),
    )
    found = data(client, "/partnerships/map.json?country=DE")
    assert found["caption"].startswith("None of these 2 partnerships is on the map")
    persian = data(client, "/fa/partnerships/map.json?country=DE")
    assert "۲" in persian["caption"] and "None" not in persian["caption"]
