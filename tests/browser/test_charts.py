"""The charts page read in a real browser: every bar's label and value legible, clear of each
other and of the bar, inside the page, on a phone and a laptop, left-to-right and right-to-left."""

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

LATIN_DIGIT = re.compile(r"[0-9]")
WIDTHS = [1366, 390]
# Rounding of sub-pixel boxes: two boxes touching along an edge do not overlap.
EPSILON = 0.5


@pytest.fixture
def charts_site(site: str) -> str:
    """The seed data plus cities whose names are long, with counts of one and two digits."""
    from tests.factories import CityFactory, PartnershipFactory

    hubs = [
        ("Frankfurt am Main", "DE", 16),
        ("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch", "GB", 9),
        ("Castelnuovo di Garfagnana e Valle del Serchio", "IT", 5),
        ("Banja Luka", "BA", 2),
    ]
    for name, country, count in hubs:
        hub = CityFactory(name=name, country=country)
        for n in range(count):
            PartnershipFactory(
                city_a=hub,
                city_b=CityFactory(country="FR"),
                established=f"{1950 + 10 * (n % 7)}-01-01",
                established_precision="year",
            )
    for _ in range(40):  # more than any decade: counted apart, not drawn to their scale
        PartnershipFactory(established=None, established_precision="")
    return site


def boxes(page: Any) -> list[dict[str, Any]]:
    """Each bar of each chart: its label's, bar's and value's boxes, text and rendered size."""
    return list(
        page.evaluate(
            """() => {
            const box = el => {
                const r = el.getBoundingClientRect();
                return {x: r.left, y: r.top, right: r.right, bottom: r.bottom};
            };
            // The size the text is drawn at: an SVG scaled to fit shrinks its text with it.
            const rendered = el => {
                const size = parseFloat(getComputedStyle(el).fontSize);
                return el instanceof SVGGraphicsElement ? size * el.getScreenCTM().a : size;
            };
            const clipped = el => el instanceof HTMLElement && el.scrollWidth > el.clientWidth + 1;
            return [...document.querySelectorAll("figure.chart")].flatMap(figure => {
                const labels = figure.querySelectorAll(".chart-label");
                const tracks = figure.querySelectorAll(".chart-track");
                return [...labels].map((label, i) => {
                    const bar = tracks[i].querySelector(".chart-bar");
                    const value = tracks[i].querySelector(".chart-value");
                    return {
                        chart: figure.querySelector("figcaption").id, figure: box(figure),
                        // A row counted apart has no bar: its number stands in its place.
                        label: box(label), bar: box(bar || value), value: box(value),
                        apart: bar === null, barShare: bar && bar.getAttribute("width"),
                        labelText: label.textContent, valueText: value.textContent,
                        labelSize: rendered(label), valueSize: rendered(value),
                        clipped: clipped(label) || clipped(value),
                    };
                });
            });
        }"""
        )
    )


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["x"], b["x"]) > EPSILON
        and min(a["bottom"], b["bottom"]) - max(a["y"], b["y"]) > EPSILON
    )


def inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - EPSILON
        and inner["right"] <= outer["right"] + EPSILON
        and inner["y"] >= outer["y"] - EPSILON
        and inner["bottom"] <= outer["bottom"] + EPSILON
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "fa"])
def test_every_bar_of_the_charts_is_legible_and_clear_of_the_others(
    page: Any, charts_site: str, language: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{charts_site}{prefix}/partnerships/charts/")
    rtl = language == "fa"
    viewport = {"x": 0, "y": -1e9, "right": width, "bottom": 1e9}
    bars = boxes(page)
    assert len(bars) > 10  # decades and cities
    assert "Frankfurt am Main (DE)" in {bar["labelText"] for bar in bars}
    # The decades no source states are counted last, apart: the stated decades keep their
    # scale (the longest is the whole track), not shrunk by a row longer than all of them.
    decades = [bar for bar in bars if bar["chart"] == "chart-decades-title"]
    assert [bar["apart"] for bar in decades] == [False] * (len(decades) - 1) + [True]
    assert max(float(bar["barShare"].rstrip("%")) for bar in decades[:-1]) == 100
    for bar in [bar for bar in bars if bar["apart"]]:
        assert not overlap(bar["label"], bar["value"]) and inside(bar["value"], bar["figure"])
    for bar in [bar for bar in bars if not bar["apart"]]:
        where = f"{bar['labelText']!r} = {bar['valueText']!r}"
        assert not overlap(bar["label"], bar["value"]), where
        assert not overlap(bar["label"], bar["bar"]), where
        assert not overlap(bar["value"], bar["bar"]), where
        for part in ("label", "bar", "value"):
            assert inside(bar[part], bar["figure"]), f"{part} of {where} outside its chart"
            assert inside(bar[part], viewport), f"{part} of {where} off the page"
        assert not bar["clipped"], where
        assert min(bar["labelSize"], bar["valueSize"]) >= 12, where
        # Logical direction: the label on the start side of its bar or above it, the value
        # past the bar's end.
        if rtl:
            assert bar["value"]["right"] <= bar["bar"]["x"] + EPSILON, where
            assert (
                bar["label"]["x"] >= bar["bar"]["right"] - EPSILON
                or bar["label"]["bottom"] <= bar["bar"]["y"] + EPSILON
            ), where
        else:
            assert bar["value"]["x"] >= bar["bar"]["right"] - EPSILON, where
            assert (
                bar["label"]["right"] <= bar["bar"]["x"] + EPSILON
                or bar["label"]["bottom"] <= bar["bar"]["y"] + EPSILON
            ), where
        if rtl:
            assert not LATIN_DIGIT.search(bar["valueText"]), where
            if bar["chart"] == "chart-decades-title":  # city names are names, not numbers
                assert not LATIN_DIGIT.search(bar["labelText"]), where
    assert page.evaluate("document.documentElement.scrollWidth") <= width
