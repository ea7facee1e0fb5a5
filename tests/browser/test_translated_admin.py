"""The translations of a record in its admin (issue 13): the fieldset of each language opens,
its fields are written in their direction, and the page still fits the screen in Persian
(right to left; tests/browser/test_admin_layout.py has the English page) at 1366 and 390 px.
Screenshots go to FORMS_SHOTS (/tmp/forms-shots/)."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("FORMS_SHOTS", "/tmp/forms-shots"))  # noqa: S108


@pytest.mark.parametrize("width", [1366, 390])
def test_the_translation_fieldsets_open_and_fit_the_screen(
    browser: Any,
    site: str,
    django_user_model: Any,
    width: int,
) -> None:
    from django.contrib.auth.models import Group

    from agreements.models import Meeting

    if not Group.objects.filter(name="Curators").exists():
        roles = importlib.import_module("editors.migrations.0002_roles")
        roles.create_roles(apps, None)
    user = django_user_model.objects.create_user("translator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}]
    )
    page = context.new_page()
    meeting = Meeting.objects.get(slug="isfahan-florence-mayors-online-conversation")
    path = reverse("admin:agreements_meeting_change", args=[meeting.pk])
    assert page.goto(f"{site}/fa{path}").status == 200  # right to left
    for summary in page.locator("fieldset.collapse details > summary").all():
        summary.click()
    persian = page.locator('textarea[name="summary_fa"]')
    assert persian.is_visible()
    assert persian.get_attribute("dir") == "rtl" and persian.get_attribute("lang") == "fa"
    assert "شهرداران" in persian.input_value()  # the seed's Persian summary
    original = page.locator('textarea[name="summary"]')
    assert original.get_attribute("dir") == "ltr" and original.get_attribute("lang") == "en"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"translations-fa-{width}.png"), full_page=True)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{scroll} px wide in a {inner} px window"
    context.close()
