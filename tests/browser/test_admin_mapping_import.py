"""The mapping import in a browser, in Persian (right to left) and in English on a phone, with
the keyboard only: a curator uploads a file of neither profile, finds each select by its
label, and previews the first rows with Enter; nothing is saved by the preview, and the page
does not scroll sideways. Screenshots go to FORMS_SHOTS."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

SHOTS = Path(os.environ.get("FORMS_SHOTS", "/tmp/forms-shots"))  # noqa: S108
FILE = (
    "Stadt;Land;Partnerstadt;Partnerland;Jahr\n"
    "Aachen;DE;Reims;FR;1967\n"
    "Dresden;Deutschland;Brazzaville;Congo;1975\n"
)


# The labels a person reads, in the page's language: profile, city A's name, city B's
# country, source.
LABELS = {
    "fa": ("نمایه", "شهر الف: نام", "شهر ب: کشور", "منبع"),
    "en": ("Profile", "City A: name", "City B: country", "Source"),
}


@pytest.mark.parametrize(("language", "width"), [("fa", 1366), ("en", 390)])
def test_a_keyboard_user_maps_and_previews_a_file(
    browser: Any,
    site: str,
    django_user_model: Any,
    tmp_path: Path,
    settings: Any,
    language: str,
    width: int,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # the upload waits here, not in the checkout
    from django.contrib.auth.models import Group

    from agreements.models import Partnership

    if not Group.objects.filter(name="Curators").exists():
        roles = importlib.import_module("editors.migrations.0002_roles")
        roles.create_roles(apps, None)
    user = django_user_model.objects.create_user("mapping-curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    before = Partnership.objects.count()
    upload = tmp_path / "partnerstaedte.csv"
    upload.write_text(FILE, encoding="utf-8")

    profile, city_a, country_b, source_label = LABELS[language]
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{site}{prefix}/admin/agreements/partnership/import/")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "fa" else "ltr")
    page.get_by_label("CSV", exact=False).set_input_files(str(upload))
    page.get_by_label(profile, exact=False).select_option("mapped")
    page.locator("input[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("select[name=map_city_a]")

    # Every select is found by its label, the guess already chosen.
    assert page.get_by_label(city_a).input_value() == "Stadt"
    assert page.get_by_label(country_b).input_value() == "Partnerland"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"mapping-{language}-{width}.png"), full_page=True)

    # The keyboard alone: type the source, Enter previews (the first button).
    source = page.get_by_role("textbox", name=source_label)
    source.focus()
    page.keyboard.type("TwinTowns_clean.csv")
    page.keyboard.press("Enter")
    page.wait_for_selector("#preview table")
    assert page.locator("#preview tbody tr").count() == 2
    page.screenshot(path=str(SHOTS / f"mapping-preview-{language}-{width}.png"), full_page=True)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    assert Partnership.objects.count() == before  # the preview saved nothing
    assert errors == []  # no script or style refused by the CSP
    context.close()
