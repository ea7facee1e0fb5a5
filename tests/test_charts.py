"""The charts page's bars: sized by their share of the longest, named and counted in the
page's language and digits. (How they look on a screen: tests/browser/test_charts.py.)"""

import re
from typing import Any

import pytest
from django.utils import translation

from agreements.filters import _decade_label

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CHARTS = "/partnerships/charts/"


@pytest.fixture
def three_partnerships() -> None:
    """Two partnerships of the 1990s, one of the 2000s, all three of Rome."""
    rome = CityFactory(name="Roma", country="IT")
    for year in (1991, 1995, 2004):
        PartnershipFactory(
            city_a=rome,
            city_b=CityFactory(country="FR"),
            established=f"{year}-01-01",
            established_precision="year",
        )


def bar_charts(html: str) -> str:
    """The page's two bar charts, from the first to the end of the second."""
    start = html.index('<figure class="chart">')
    return html[start : html.index("</figure>", html.index("</figure>", start) + 1)]


def bar_widths(html: str) -> list[str]:
    return re.findall(r'<svg class="chart-bar" width="([^"]+)"', html)


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "1990s"), ("it", "anni 1990"), ("vi", "thập niên 1990"), ("fa", "دههٔ ۱۹۹۰")],
)
def test_a_decade_is_named_in_the_languages_digits_without_grouping(
    language: str, label: str
) -> None:
    with translation.override(language):
        assert _decade_label(1990) == label


def test_the_decades_chart_names_and_counts_in_persian_digits(
    client: Any, three_partnerships: None
) -> None:
    response = client.get(f"/fa{CHARTS}")
    decades = response.context["decades"].bars
    assert [(bar.label, bar.value) for bar in decades] == [("دههٔ ۱۹۹۰", 2), ("دههٔ ۲۰۰۰", 1)]
    html = response.content.decode()
    assert '<span class="chart-label">دههٔ ۱۹۹۰</span>' in html
    assert '<span class="chart-value">۲</span>' in html
    assert "1990" not in bar_charts(html)


@pytest.mark.parametrize("language", ["en", "it", "fa", "vi"])
def test_bars_are_as_long_as_their_share_of_the_longest_in_every_language(
    client: Any, three_partnerships: None, language: str
) -> None:
    prefix = "" if language == "en" else f"/{language}"
    html = client.get(f"{prefix}{CHARTS}").content.decode()
    # Decades 2 and 1, then the cities: Rome 3, its three partners 1 each. The widths are
    # CSS lengths whatever the language writes as its decimal separator.
    assert bar_widths(html) == ["100.00%", "50.00%", "100.00%", "33.33%", "33.33%", "33.33%"]


def test_each_chart_is_one_image_named_by_its_caption_with_its_data_as_a_table(
    client: Any, three_partnerships: None
) -> None:
    html = client.get(CHARTS).content.decode()
    for chart in ("chart-decades", "chart-cities"):
        assert f'<figcaption id="{chart}-title">' in html
        assert f'class="chart-bars" role="img" aria-labelledby="{chart}-title"' in html
    assert html.count("<summary>The data as a table</summary>") == 2
    assert "viewBox" not in bar_charts(html)  # no picture scaled down with its text
