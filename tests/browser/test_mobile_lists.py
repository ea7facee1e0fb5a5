"""Lists on a phone and at real scale (issue 13): the results first, the filters in a dialog
that keeps the URL as the state, country pages as a summary and a table."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["", "/it", "/fa", "/vi"])
def test_on_a_phone_the_first_result_is_within_a_screen_and_a_half(
    phone: Any, site: str, language: str
) -> None:
    phone.goto(f"{site}{language}/partnerships/")
    card = phone.locator(".results .card").first.bounding_box()
    assert card is not None and card["y"] < 1.5 * PHONE["height"]
    assert phone.locator("[data-filters-open]").is_visible()
    assert not phone.locator("#facets").is_visible()  # until the button opens them


def test_the_filter_dialog_opens_by_keyboard_and_applying_changes_the_url(
    phone: Any, site: str
) -> None:
    phone.goto(f"{site}/partnerships/")
    button = phone.locator("[data-filters-open]")
    assert button.inner_text() == "Filters"
    button.focus()
    phone.keyboard.press("Enter")
    dialog = phone.locator("dialog.filters-dialog")
    assert dialog.is_visible()
    assert phone.evaluate("document.activeElement.closest('dialog') !== null")
    phone.locator("#facet-country-it").focus()
    phone.keyboard.press("Space")
    assert "country=IT" not in phone.url  # applied by the button, not on each box
    phone.locator(".filters-apply").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"country=IT"))
    phone.wait_for_function("document.querySelector('[data-filters-open]').innerText.includes('1')")
    assert phone.locator("[data-filters-open]").inner_text() == "Filters (1 active)"
    assert not phone.locator("dialog.filters-dialog").count()
    assert int(phone.locator("#results-heading").inner_text().split()[0]) < 6


def test_escape_closes_the_dialog_without_applying(phone: Any, site: str) -> None:
    phone.goto(f"{site}/partnerships/")
    phone.locator("[data-filters-open]").focus()
    phone.keyboard.press("Enter")
    phone.locator("#facet-country-it").check()
    phone.keyboard.press("Escape")
    # The dialog's close event puts the filters back: wait for it rather than race it.
    phone.wait_for_function("!document.querySelector('dialog.filters-dialog')")
    phone.wait_for_function("!document.querySelector('#facet-country-it').checked")
    assert "country=IT" not in phone.url
    assert not phone.locator("#facet-country-it").is_checked()  # as the URL has it
    assert phone.evaluate("document.activeElement.hasAttribute('data-filters-open')")


def test_on_a_wide_screen_the_filters_stay_in_a_sidebar(page: Any, site: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/partnerships/")
    facets = page.locator("#facets").bounding_box()
    results = page.locator(".results").bounding_box()
    assert facets is not None and results is not None
    assert facets["x"] + facets["width"] <= results["x"]
    assert abs(facets["y"] - results["y"]) < 5
    assert not page.locator("[data-filters-open]").is_visible()


def test_a_big_country_page_is_a_summary_and_a_table(phone: Any, site: str) -> None:
    from tests.factories import CityFactory, PartnershipFactory

    for index in range(120):
        PartnershipFactory(
            city_a=CityFactory(country="DE"),
            city_b=CityFactory(country=["FR", "PL", "IT", "AT", "NL", "CZ"][index % 6]),
        )
    for language in ("", "/fa"):
        phone.goto(f"{site}{language}/countries/DE/")
        height = phone.evaluate("document.documentElement.scrollHeight")
        assert height < 10_000
        assert phone.locator(".record-table tbody tr").count() == 50
        # Every column on the screen: the table needs no sideways scrolling at 390 px.
        overflow = phone.evaluate(
            "(() => { const t = document.querySelector('.table-scroll');"
            " return t.scrollWidth - t.clientWidth; })()"
        )
        assert overflow <= 1, f"the table is {overflow} px wider than its box"
    phone.goto(f"{site}/countries/DE/")
    phone.get_by_role("link", name="Established").click()
    phone.wait_for_url(re.compile(r"sort=year"))
    assert phone.locator("th[aria-sort='ascending']").inner_text().startswith("Established")
