"""What a visitor does in a real browser: filter, read a record, search, switch language."""

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def result_count(page: Any) -> int:
    return int(page.locator("#results-heading").inner_text().split()[0])


def facet_count(page: Any, facet: str, value: str) -> int:
    return int(page.locator(f"#facet-{facet}-{value.lower()} + label .count").inner_text())


def test_clicking_facets_narrows_the_list_and_keeps_the_url(page: Any, site: str) -> None:
    page.goto(f"{site}/partnerships/")
    total = result_count(page)
    assert total == 6
    italy = facet_count(page, "country", "IT")

    page.locator("#facet-country-it").check()
    page.wait_for_url(re.compile(r"country=IT"))
    page.wait_for_function(
        f"document.querySelector('#results-heading').innerText.startsWith('{italy} ')"
    )
    assert result_count(page) == italy < total
    assert page.locator("#facet-country-it").is_checked()  # the swapped region keeps the state

    music = facet_count(page, "theme", "music")
    page.locator("#facet-theme-music").check()
    page.wait_for_url(re.compile(r"country=IT.*theme=music|theme=music.*country=IT"))
    page.wait_for_function(
        f"document.querySelector('#results-heading').innerText.startsWith('{music} ')"
    )
    assert result_count(page) == music < italy
    # The chips name the active filters and the page can be reloaded from its URL alone.
    assert page.locator(".chips .chip").count() == 2
    page.reload()
    assert result_count(page) == music


def test_the_filters_work_by_keyboard(page: Any, site: str) -> None:
    page.goto(f"{site}/partnerships/")
    page.locator("#facet-kind-institutional").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"kind=institutional"))
    page.wait_for_function("document.querySelector('#results-heading').innerText.startsWith('1 ')")
    assert page.locator(".cards .card-title").inner_text() == "Hanoi – Rome"


def test_a_partnership_page_shows_its_timeline_and_sources(page: Any, site: str) -> None:
    page.goto(f"{site}/partnerships/")
    page.get_by_role("link", name="Florence – Isfahan").first.click()  # alphabetical
    page.wait_for_url(re.compile(r"/partnerships/florence-isfahan/"))
    timeline = page.locator(".timeline .event")
    assert timeline.count() >= 4
    assert timeline.first.locator(".event-when").inner_text() == "1998"
    persian = page.locator('.sources blockquote[lang="fa"]').first
    assert persian.get_attribute("dir") == "rtl"
    assert persian.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator(".sources blockquote.rendering").first.is_visible()


def test_searching_in_another_script_finds_the_city(page: Any, site: str) -> None:
    page.goto(site)
    page.locator("#site-search-q").fill("فلورانس")
    page.locator("#site-search-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.locator("#results-cities + ul a").first.inner_text() == "Florence"


def test_switching_to_persian_gives_a_right_to_left_page(page: Any, site: str) -> None:
    page.goto(f"{site}/partnerships/florence-isfahan/")
    page.locator('.language-nav a[hreflang="fa"]').click()
    page.wait_for_url(re.compile(r"/fa/partnerships/florence-isfahan/"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "اصفهان" in page.locator("h1").inner_text()
    # The layout mirrors: the facts' labels sit right of their values.
    label = page.locator(".facts dt").first.bounding_box()
    value = page.locator(".facts dd").first.bounding_box()
    assert label["x"] > value["x"]


PAGE_TYPES = [
    "/",
    "/partnerships/",
    "/partnerships/?country=IT&theme=music",
    "/partnerships/charts/?country=IT",
    "/partnerships/florence-isfahan/",
    "/agreements/isfahan-florence-sister-city-pact/",
    "/meetings/hanoi-chairman-receives-italian-ambassador-2022-09-20/",
    "/projects/",
    "/projects/isfahan-florence-joint-music-project/",
    "/cities/",
    "/cities/carrara/",
    "/networks/",
    "/networks/unesco-creative-cities-network/",
    "/countries/",
    "/countries/IT/",
    "/people/",
    "/people/iman-hojjati/",
    "/about/",
    "/methodology/",
    "/data/",
    "/fa/people/",
    "/fa/about/",
    "/vi/data/",
    "/search/?q=firenze",
    "/partnerships/no-such-pair/",
    "/partnerships/?page=abc",
    "/fa/partnerships/florence-isfahan/",
    "/fa/partnerships/",
    "/vi/cities/hanoi/",
    "/it/networks/italian-coordination-unesco-creative-cities/",
]
# Every page type in every language (issue 13: not English only). The paths above without a
# language prefix, each under /it/, /fa/ and /vi/ too.
PREFIXES = ("/it/", "/fa/", "/vi/")
EVERY_LANGUAGE = PAGE_TYPES + [
    f"{prefix}{path.removeprefix('/')}"
    for prefix in PREFIXES
    for path in PAGE_TYPES
    if not path.startswith(PREFIXES) and f"{prefix}{path.removeprefix('/')}" not in PAGE_TYPES
]


@pytest.mark.parametrize("path", EVERY_LANGUAGE)
def test_every_page_type_passes_axe_within_a_strict_content_security_policy(
    page: Any, site: str, path: str
) -> None:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{site}{path}")
    page.wait_for_load_state("networkidle")
    assert refused == []  # nothing inline, nothing from elsewhere: the page needs no exception
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def test_a_narrow_screen_puts_the_results_first(page: Any, site: str) -> None:
    # Issue 13: the filters open from a button (tests/browser/test_mobile_lists.py).
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{site}/partnerships/")
    assert page.locator(".results").is_visible() and not page.locator(".facets").is_visible()
    assert page.locator("[data-filters-open]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
