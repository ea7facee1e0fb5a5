"""The merge screens (issue 14) as a curator sees them, in English and in Persian (right to
left), wide and on a phone: nothing past the window, nothing cut off. Screenshots go to
FORMS_SHOTS (/tmp/forms-shots/) for a person to look at."""

from __future__ import annotations

from pprint import pformat
from typing import Any

import pytest

from tests.factories import CityFactory, CityNameFactory, MeetingFactory, PartnershipFactory

from .test_admin_layout import OVERFLOWING, SHOTS
from .test_admin_layout import curator_context as curator_context  # the signed-in browser


@pytest.mark.parametrize("width", [1366, 390])
def test_the_merge_preview_and_revert_screens_fit(
    curator_context: Any, site: str, width: int
) -> None:
    from agreements.merging import merge
    from agreements.models import MergeLog

    brive = CityFactory(name="Brive-la-Gaillarde", slug="brive-la-gaillarde", country="FR")
    ghost = CityFactory(name="Brivela Gaillarde", slug="brivela-gaillarde", country="FR")
    shared = CityFactory(name="Isfahan test", country="IR")
    twin = PartnershipFactory(city_a=ghost, city_b=shared)
    PartnershipFactory(city_a=brive, city_b=shared)
    MeetingFactory(partnership=twin, place=ghost)
    CityNameFactory(city=ghost, name="بریو", language="fa")
    preview = f"/admin/cities/city/merge/?ids={brive.pk},{ghost.pk}&kept={brive.pk}"
    page = curator_context(width).new_page()
    page.set_default_timeout(10_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for language in ("", "/fa"):
        response = page.goto(f"{site}{language}{preview}")
        assert response is not None and response.status == 200
        if language:
            assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator(".breadcrumbs").count() == 1
        assert page.locator('button[name="merge"]').count() == 1
        name = f"merge-preview{language.replace('/', '-')}-{width}"
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        if found := page.evaluate(OVERFLOWING, width >= 1366):
            problems[name] = found
    merge(brive, ghost, None)
    log = MergeLog.objects.get(parent=None)
    for language in ("", "/fa"):
        for path in ("/admin/cities/city/merges/", f"/admin/cities/city/merges/{log.pk}/revert/"):
            response = page.goto(f"{site}{language}{path}")
            assert response is not None and response.status == 200, path
            name = f"merge-{path.strip('/').split('/')[-1]}{language.replace('/', '-')}-{width}"
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
            if found := page.evaluate(OVERFLOWING, width >= 1366):
                problems[name] = found
    assert problems == {}, pformat(problems, width=100)
