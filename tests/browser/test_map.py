"""The interactive map in a real browser, in English and Persian, on a laptop and a phone: it
replaces the server-drawn SVG, fits the records, zooms with its buttons, clusters close cities,
names a city on hover and on keyboard focus, opens the record it is clicked or entered on,
marks the page's own city, has a legend, says "N of M shown" when capped, and loads nothing
from outside the site. Screenshots: /tmp/map-shots/."""

import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/map-shots")  # noqa: S108 (for a reviewer to look at)
WIDTHS = [1366, 390]
LANGUAGES = ["en", "fa"]


def prefix(language: str) -> str:
    return "" if language == "en" else f"/{language}"


# Invented places for the tests (names and coordinates), not facts about real cities.
PARTNERS = [
    ("Mapton Nord", 48.85, 2.35),
    ("Mapton Est", 48.60, 2.60),
    ("Mapton Ovest", 48.70, 2.10),
    ("Southport Test", -33.87, 151.21),
    ("Pampa Test", -34.60, -58.38),
    ("Lakeside Test", 41.88, -87.63),
]


@pytest.fixture
def map_site(site: str) -> str:
    from publishing.publication import PublicationState
    from tests.factories import CityFactory, PartnershipFactory

    hub = CityFactory(name="Mapton", slug="mapton", latitude=45.46, longitude=9.19, country="IT")
    for name, lat, lon in PARTNERS:
        PartnershipFactory(
            city_a=hub, city_b=CityFactory(name=name, latitude=lat, longitude=lon, country="FR")
        )
    PartnershipFactory(
        city_a=hub,
        city_b=CityFactory(name="Hidden Draft", latitude=10.0, longitude=10.0, country="FR"),
        publication_state=PublicationState.DRAFT,
    )
    return site


def open_map(page: Any, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    page.goto(url)
    page.locator(".map-canvas .leaflet-marker-icon").first.wait_for()
    page.wait_for_function("() => document.querySelector('figure.map').twinningMap !== undefined")


def watch(page: Any, site: str) -> list[str]:
    """Requests to anywhere but the site, and CSP violations or script errors."""
    problems: list[str] = []
    page.on("request", lambda r: r.url.startswith(site) or problems.append(f"fetch {r.url}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: problems.append(f"error {error}"))
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and problems.append(f"console {m.text}"),
    )
    return problems


def zoomed(page: Any, test: str) -> None:
    """Wait until the map's zoom passes ``test`` ("> 2") and its animation has ended."""
    page.wait_for_function(
        "() => document.querySelector('figure.map').twinningMap.getZoom() "
        f"{test} && !document.querySelector('figure.map .leaflet-zoom-anim')"
    )


def zoom(page: Any) -> float:
    return float(page.evaluate("document.querySelector('figure.map').twinningMap.getZoom()"))


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.locator("figure.map").screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_city_map_fits_zooms_and_names_its_cities_by_keyboard(
    page: Any, map_site: str, language: str, width: int
) -> None:
    problems = watch(page, map_site)
    open_map(page, f"{map_site}{prefix(language)}/cities/mapton/", width)
    figure = page.locator("figure.map")
    assert figure.locator(".map-stack").is_hidden()  # the SVG gave way to the live map
    canvas = figure.locator(".map-canvas")
    box = canvas.bounding_box()
    assert box["width"] <= width and box["height"] > 300

    # Fitted to the records: every city's point is inside the visible map.
    outside = page.evaluate(
        """() => {
            const map = document.querySelector('figure.map').twinningMap, bounds = map.getBounds();
            const points = [];
            map.eachLayer(layer => layer.getLatLng && !layer.getChildCount && points.push(layer));
            return points.filter(layer => !bounds.contains(layer.getLatLng())).length;
        }"""
    )
    assert outside == 0
    assert "Hidden Draft" not in page.content()

    # The city itself stands out, named, never folded into a cluster.
    focus = figure.locator(".map-focus")
    assert focus.count() == 1
    assert focus.get_attribute("aria-label").startswith("Mapton")
    assert figure.locator(".map-label-focus").inner_text() == "Mapton"
    # The three close cities are one cluster at this zoom, labelled for screen readers.
    cluster = figure.locator(".map-cluster").first
    assert re.search("[3۳]", cluster.get_attribute("aria-label"))
    shot(page, f"city-{language}-{width}")

    # The zoom buttons change the view.
    before = zoom(page)
    figure.locator(".leaflet-control-zoom-in").click()
    zoomed(page, f"> {before}")
    figure.locator(".leaflet-control-zoom-out").click()
    zoomed(page, f"=== {before}")

    # A partner reached by keyboard shows its name, and Enter opens its page.
    partner = figure.locator(".map-city:not(.map-focus)").first
    partner.focus()
    assert partner.evaluate("el => el === document.activeElement && el.tabIndex === 0")
    label = partner.get_attribute("aria-label")
    tooltip = figure.locator(".leaflet-tooltip:not(.map-label-focus)")
    tooltip.first.wait_for()
    assert tooltip.first.inner_text() == label
    assert tooltip.first.get_attribute("dir") is None  # its text element carries dir="auto"
    shot(page, f"city-{language}-{width}-focus")
    name = label.split(":")[0]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cities/(?!mapton/)[^/]+/$"))
    assert page.locator("h1").inner_text() == name
    assert problems == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_browse_map_says_how_much_it_shows_when_capped(
    page: Any, map_site: str, language: str, width: int, monkeypatch: Any
) -> None:
    from directory import graphics

    monkeypatch.setattr(graphics, "INTERACTIVE_LIMIT", 4)
    problems = watch(page, map_site)
    open_map(page, f"{map_site}{prefix(language)}/partnerships/?country=FR", width)
    count = page.locator("figure.map [data-map-count]")
    heading = page.locator("#results-heading").inner_text()
    total = re.search(r"[\d۰-۹]+", heading).group()  # type: ignore[union-attr]
    if language == "en":
        assert count.inner_text() == f"4 of {total} partnerships shown on the map"
    else:
        assert count.inner_text().startswith("۴ از ") and total in count.inner_text()
        assert not re.search("[0-9]", count.inner_text())
    assert "map-capped" in (count.get_attribute("class") or "")
    legend = page.locator("figure.map .map-legend li")
    assert legend.count() == 3  # a city, a cluster, a partnership: no "this city" here
    for item in range(legend.count()):
        assert legend.nth(item).locator(".map-key").is_visible()
    # The legend and caption read in the page's direction, the map itself left to right.
    assert page.locator("figure.map .map-canvas").get_attribute("dir") == "ltr"
    shot(page, f"browse-{language}-{width}")

    # A click on a city opens its page.
    city = page.locator("figure.map .map-city").first
    name = city.get_attribute("aria-label").split(":")[0]
    city.click()
    page.wait_for_url(re.compile(r"/cities/[^/]+/$"))
    assert page.locator("h1").inner_text() == name
    assert problems == []


def test_a_partnership_line_opens_the_partnership(page: Any, map_site: str) -> None:
    open_map(page, f"{map_site}/cities/mapton/", 1366)
    page.locator("figure.map .map-link").first.wait_for()
    # Zoom in on Sydney's side, away from the other lines, and click the line there.
    line = page.locator("figure.map path.map-link").first
    line.dispatch_event("click")
    page.wait_for_url(re.compile(r"/partnerships/[^/]+/$"))
    assert "Mapton" in page.locator("h1").inner_text()


def test_the_map_survives_a_filter_change(page: Any, map_site: str) -> None:
    """The browse list is swapped by htmx: the new list's map is enhanced too, once."""
    open_map(page, f"{map_site}/partnerships/", 1366)
    page.locator("#facet-country-fr").check()
    page.wait_for_url(re.compile(r"country=FR"))
    page.wait_for_function(
        "() => document.querySelector('figure.map .map-canvas') && "
        "document.querySelector('figure.map').twinningMap !== undefined"
    )
    assert page.locator(".map-canvas").count() == 1
    assert page.locator("figure.map .map-stack").is_hidden()


def test_without_javascript_the_svg_map_stays(browser: Any, map_site: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{map_site}/cities/mapton/")
    assert page.locator("figure.map .map-stack img").nth(1).is_visible()
    assert page.locator(".map-canvas").count() == 0
    context.close()


def test_a_list_with_nothing_mappable_shows_a_sentence_not_an_empty_map(
    page: Any, map_site: str
) -> None:
    from tests.factories import CityFactory, PartnershipFactory

    PartnershipFactory(
        city_a=CityFactory(name="Unplaced One", country="NA"),
        city_b=CityFactory(name="Unplaced Two", country="NA"),
    )
    problems = watch(page, map_site)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{map_site}/partnerships/?country=NA")
    page.wait_for_selector("figure.map.map-empty")
    figure = page.locator("figure.map")
    assert not figure.locator(".map-stack").is_visible()  # no blank world poster
    assert figure.locator(".map-canvas").count() == 0
    assert figure.locator("figcaption").inner_text() == (
        "This partnership is not on the map: the coordinates of its cities are not known."
    )
    assert problems == []
