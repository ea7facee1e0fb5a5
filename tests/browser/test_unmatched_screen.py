"""The unmatched place screen (issue 12) as a curator sees it, in English and in Persian,
wide and on a phone: candidates with their regions, the namesake warning and its check box,
nothing past the window. Screenshots go to FORMS_SHOTS (/tmp/forms-shots/).

A module of its own: after the merge screens' tests in the same session, a live site here
started without content types (the isolation problem the Makefile works around by running
each browser module in its own session)."""

from __future__ import annotations

from pprint import pformat
from typing import Any

import pytest

from tests.factories import CityFactory

from .test_admin_layout import OVERFLOWING, SHOTS
from .test_admin_layout import curator_context as curator_context  # the signed-in browser


@pytest.mark.parametrize("width", [1366, 390])
def test_the_unmatched_place_screen_with_namesakes_fits(
    curator_context: Any, site: str, width: int
) -> None:
    """A place waiting for a match, whose best candidate has a namesake: the candidates'
    regions, the namesake warning and the check box fit, in English and in Persian."""
    from agreements.models import UnmatchedPlace
    from tests.test_unmatched import german

    CityFactory(name="Aachen", slug="aachen", country="DE", latitude=50.776, longitude=6.0872)
    CityFactory(name="Toledo", slug="toledo", country="ES", latitude=39.86, longitude=-4.02)
    for slug, region, latitude in (("brive", "Nouvelle-Aquitaine", 45.16), ("brive-2", "", 50.1)):
        CityFactory(
            name="Brive-la-Gaillarde",
            slug=slug,
            country="FR",
            subdivision=region,
            latitude=latitude,
            longitude=1.53,
        )
    german()
    place = UnmatchedPlace.objects.get()
    page = curator_context(width).new_page()
    page.set_default_timeout(10_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for language in ("", "/fa"):
        path = f"/admin/agreements/unmatchedplace/{place.pk}/change/"
        response = page.goto(f"{site}{language}{path}")
        assert response is not None and response.status == 200
        assert page.locator('input[name="namesake"]').count() >= 2  # each Brive asks
        name = f"unmatched-place{language.replace('/', '-')}-{width}"
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        if found := page.evaluate(OVERFLOWING, width >= 1366):
            problems[name] = found
    assert problems == {}, pformat(problems, width=100)
