"""Cities seeking partners in a browser (issue 14): the list, a call and the city page fit a
phone and a wide screen in English and Persian (right to left); facets work by keyboard, on a
phone in the filter dialog, and keep their state in the address."""

import datetime
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


@pytest.fixture
def calls(site: str) -> dict[str, Any]:
    from agreements.models import Theme
    from cities.models import City
    from publishing.publication import PublicationState
    from seeking.models import PartnerSearch

    today = timezone.localdate()
    common = {
        "starts": today - datetime.timedelta(days=3),
        "ends": today + datetime.timedelta(days=90),
        "publication_state": PublicationState.PUBLISHED,
        "contact_office": "International Relations Office",
    }
    florence = PartnerSearch.objects.create(
        city=City.objects.get(slug="florence"),
        title="Partners for music schools and youth orchestras",
        offers="Exchanges of teachers and students between music schools.",
        looking_for="A city with a conservatory that wants joint summer courses.",
        countries=["VN", "IR"],
        regions=["western-africa"],
        languages=["it", "en"],
        contact_email="international@example.org",
        contact_url="https://www.example.org/international-relations",
        **common,
    )
    florence.themes.set([Theme.objects.get(slug="music")])
    isfahan = PartnerSearch.objects.create(
        city=City.objects.get(slug="isfahan"),
        title="Heritage and crafts cooperation",
        offers="Workshops on tilework and restoration.",
        looking_for="Historic cities with craft schools.",
        countries=["IT"],
        languages=["fa", "en"],
        contact_email="international@example.org",
        **common,
    )
    isfahan.themes.set([Theme.objects.get(slug="education")])
    return {"florence": florence, "isfahan": isfahan}


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_pages_fit_the_screen_in_both_directions(
    browser: Any, site: str, calls: dict[str, Any], language: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    prefix = "" if language == "en" else f"/{language}"
    out = os.environ.get("SCREENSHOT_DIR")
    try:
        for name, path in [
            ("seeking-list", "/seeking-partners/"),
            ("seeking-detail", calls["florence"].get_absolute_url()),
            ("seeking-city", "/cities/florence/"),
        ]:
            response = page.goto(f"{site}{prefix}{path}")
            assert response is not None and response.status == 200, path
            assert page.evaluate("document.documentElement.dir") == (
                "rtl" if language == "fa" else "ltr"
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            if out:
                Path(out).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{out}/{name}-{language}-{width}.png", full_page=True)
        # The city page says the city is looking for partners and links to the call.
        page.goto(f"{site}{prefix}/cities/florence/")
        assert page.locator(".seeking-partners a").count() == 1
    finally:
        context.close()


def test_a_facet_chosen_by_keyboard_filters_and_keeps_the_state(
    page: Any, site: str, calls: dict[str, Any]
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site}/seeking-partners/")
    assert page.locator(".results .card").count() == 2
    page.locator("#facet-language-fa").focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"language=fa"))
    page.wait_for_function("document.querySelectorAll('.results .card').length === 1")
    assert "Heritage and crafts" in page.locator(".results").inner_text()
    page.reload()
    assert page.locator("#facet-language-fa").is_checked()
    assert page.locator(".results .card").count() == 1


def test_on_a_phone_the_filters_open_in_a_dialog(
    browser: Any, site: str, calls: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(f"{site}/fa/seeking-partners/")
        button = phone.locator("[data-filters-open]")
        assert button.is_visible()
        button.focus()
        phone.keyboard.press("Enter")
        assert phone.locator("dialog.filters-dialog").is_visible()
        phone.locator("#facet-theme-music").focus()
        phone.keyboard.press("Space")
        phone.locator(".filters-apply").focus()
        phone.keyboard.press("Enter")
        phone.wait_for_url(re.compile(r"theme=music"))
        phone.wait_for_function("document.querySelectorAll('.results .card').length === 1")
    finally:
        context.close()
