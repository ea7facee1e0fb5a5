"""Every page type in the four languages at 1366 and 390 px: no page is wider than the screen
and Persian pages run right to left. ``make screenshots`` also saves each page as a PNG under
``screenshots/`` (SCREENSHOT_DIR) for a reviewer to look at."""

import os
from pathlib import Path
from typing import Any

import pytest

LANGUAGES = ("en", "it", "fa", "vi")
WIDTHS = (1366, 390)
PAGES = [
    ("home", "/"),
    ("browse", "/partnerships/"),
    ("partnership", "/partnerships/florence-isfahan/"),
    ("charts", "/partnerships/charts/"),
    ("city", "/cities/florence/"),
    ("city-list", "/cities/"),
    ("country", "/countries/IT/"),
    ("network", "/networks/unesco-creative-cities-network/"),
    ("project", "/projects/isfahan-florence-joint-music-project/"),
    ("person", "/people/iman-hojjati/"),
    ("search", "/search/?q=firenze"),
    ("data", "/data/"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_fits_the_screen(
    browser: Any, site: str, language: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    out = os.environ.get("SCREENSHOT_DIR")
    too_wide = []
    try:
        for name, path in PAGES:
            prefix = "" if language == "en" else f"/{language}"
            response = page.goto(f"{site}{prefix}{path}")
            assert response is not None and response.status == 200, (language, path)
            page.wait_for_load_state("networkidle")
            direction = page.evaluate("document.documentElement.dir")
            assert direction == ("rtl" if language == "fa" else "ltr"), (language, path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append((name, scroll))
            if out:
                Path(out).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{out}/{name}-{language}-{width}.png", full_page=True)
    finally:
        context.close()
    assert too_wide == [], f"pages wider than {width} px in {language}: {too_wide}"
