"""Browser tests: Playwright driving Debian's Chromium against a live server.

`playwright install` cannot download browsers here, so the system Chromium is used. Without it
the tests are skipped with the reason, unless TWINNING_REQUIRE_TOOLS is set (CI sets it), in
which case a missing browser fails the run rather than pass it silently.
"""

import importlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_missing() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return ""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = browser_missing()
    if reason:
        if os.environ.get("TWINNING_REQUIRE_TOOLS"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def site(live_server: Any, transactional_db: None) -> str:
    """The live server with the seed data and a few more partnerships to filter."""
    from django.apps import apps

    from agreements.models import Theme

    # Each transactional test ends by emptying every table, the migrated vocabulary included.
    vocabulary = importlib.import_module("agreements.migrations.0003_theme_vocabulary")
    vocabulary.add_vocabulary(apps, None)
    call_command("loaddata", "fixtures/seed.json", verbosity=0)
    from tests.factories import CityFactory, PartnershipFactory

    music, education = Theme.objects.get(slug="music"), Theme.objects.get(slug="education")
    milan = CityFactory(name="Milano Test", country="IT")
    for country, theme in [("FR", music), ("DE", education), ("FR", education)]:
        partnership = PartnershipFactory(city_a=milan, city_b=CityFactory(country=country))
        partnership.themes.add(theme)
    PartnershipFactory(city_a=CityFactory(country="FR"), city_b=CityFactory(country="ES"))
    return str(live_server.url)
