"""The admin's change pages fit the screen: at 1366 px a curator sees every field of a
partnership (its life-cycle and citation inlines included), agreement, meeting, project, city
and source without scrolling sideways, and no element is wider than its box; at 390 px the
text of the main column is not cut off. Screenshots go to FORMS_SHOTS (/tmp/forms-shots/)
for a person to look at."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from pprint import pformat
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

SHOTS = Path(os.environ.get("FORMS_SHOTS", "/tmp/forms-shots"))  # noqa: S108

# Elements whose right edge is past the window, and elements that cut off their own text
# (overflow hidden with content wider than the box). Inputs scroll their text by design.
OVERFLOWING = """(wide) => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll('#content *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
    // Inside a box that scrolls sideways (a wide table on a phone), not past the page;
    // on a wide screen such a box is itself reported below.
    let scroller = el.parentElement, scrolls = false;
    for (; scroller && scroller.id !== 'content'; scroller = scroller.parentElement) {
      const overflow = getComputedStyle(scroller).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') &&
          scroller.getBoundingClientRect().right <= width + 1) { scrolls = true; break; }
    }
    if (scrolls) continue;
    const classes = typeof el.className === 'string' ? el.className.trim() : '';
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (classes ? '.' + classes.split(/\\s+/).join('.') : '');
    if (box.right > width + 1 || box.left < -1) {
      found.push(['past the window', name, Math.round(box.left), Math.round(box.right)]);
      continue;
    }
    if (['INPUT', 'TEXTAREA', 'SELECT', 'OPTION'].includes(el.tagName)) continue;
    const scrolling = style.overflowX === 'auto' || style.overflowX === 'scroll';
    if (wide && scrolling && el.scrollWidth > el.clientWidth + 1) {
      // On a wide screen nothing hides a column behind a sideways scroll ("Updated").
      found.push(['scrolls sideways', name, el.clientWidth, el.scrollWidth]);
      continue;
    }
    const clips = style.overflowX === 'hidden' || style.textOverflow === 'ellipsis';
    if (clips && el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()) {
      found.push(['text cut off', name, el.clientWidth, el.scrollWidth]);
    }
  }
  return found.slice(0, 20);
}"""


def change_pages() -> list[tuple[str, str]]:
    from agreements.models import Agreement, CulturalProject, Meeting, Partnership, Person
    from cities.models import City, NetworkMembership, Source

    def change(model: Any, **lookup: Any) -> str:
        record = model.objects.get(**lookup)
        opts = model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])

    source = Source.objects.order_by("pk").first()
    membership = NetworkMembership.objects.order_by("pk").first()
    assert source is not None and membership is not None
    return [
        ("partnership", change(Partnership, slug="florence-isfahan")),
        ("partnership-fa", "/fa" + change(Partnership, slug="florence-isfahan")),
        ("agreement", change(Agreement, slug="isfahan-florence-sister-city-pact")),
        ("meeting", change(Meeting, slug="isfahan-florence-mayors-online-conversation")),
        ("project", change(CulturalProject, slug="isfahan-florence-joint-music-project")),
        ("city", change(City, slug="florence")),
        ("source", change(Source, pk=source.pk)),
        ("person", change(Person, slug="iman-hojjati")),  # positions: since, until
        ("membership", change(NetworkMembership, pk=membership.pk)),
        ("partnership-list", reverse("admin:agreements_partnership_changelist")),
        ("meeting-list", reverse("admin:agreements_meeting_changelist")),
        ("source-list", reverse("admin:cities_source_changelist")),
        ("index", reverse("admin:index")),
    ]


@pytest.fixture
def curator_context(browser: Any, site: str, django_user_model: Any) -> Iterator[Any]:
    """A browser signed in as a member of the Curators group (not a superuser)."""
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name="Curators").exists():
        roles = importlib.import_module("editors.migrations.0002_roles")
        roles.create_roles(apps, None)
    user = django_user_model.objects.create_user("layout-curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Curators"))
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    contexts: list[Any] = []

    def open_context(width: int) -> Any:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": site}])
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_admin_change_pages_fit_the_screen(curator_context: Any, site: str, width: int) -> None:
    page = curator_context(width).new_page()
    page.set_default_timeout(10_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, path in change_pages():
        response = page.goto(f"{site}{path}")
        assert response is not None and response.status == 200, (name, path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-{width}-top.png"))
        for part in (".form-row.field-established", "#status_changes-group"):
            if page.locator(part).count():
                shot = SHOTS / f"{name}-{width}-{part.rsplit('.', 1)[-1].strip('#')}.png"
                page.locator(part).first.screenshot(path=str(shot))
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        found = page.evaluate(OVERFLOWING, width >= 1366)
        if width >= 1366 and scroll > inner:
            problems[name] = [f"page {scroll} px wide in a {inner} px window", *found]
        elif found:
            problems[name] = found
    assert problems == {}, pformat(problems, width=100)
