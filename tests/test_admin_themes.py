"""Themes in the admin are a multiple choice from the curated vocabulary, with search: a
curator picks existing themes for a partnership, meeting or project; an unknown term typed
or forged into the form is refused, never created (curators add terms under Themes)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from agreements.models import CulturalProject, Meeting, Partnership, Theme, ThemedItem
from tests.admin_forms import submitted
from tests.conftest import admin_url
from tests.factories import MeetingFactory, PartnershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db

RECORDS = [
    (Partnership, PartnershipFactory),
    (Meeting, MeetingFactory),
    (CulturalProject, ProjectFactory),
]


@pytest.mark.parametrize(("model", "factory"), RECORDS)
def test_a_curator_saves_themes_chosen_from_the_vocabulary(
    curator_login: Any, model: Any, factory: Any
) -> None:
    record = factory()
    url = admin_url(model, "change", record.pk)
    page = curator_login.get(url)
    html = page.content.decode()
    # A select that searches the vocabulary, not taggit's free-text box.
    assert 'name="themes"' in html and "admin-autocomplete" in html
    assert 'data-field-name="themes"' in html

    music, heritage = Theme.objects.get(slug="music"), Theme.objects.get(slug="heritage")
    data = {**submitted(page), "themes": [str(music.pk), str(heritage.pk)]}
    response = curator_login.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(model.objects.get(pk=record.pk).themes.names()) == {"Music", "Heritage"}

    # Opened again, the two are the selected options.
    again = curator_login.get(url).content.decode()
    assert f'<option value="{music.pk}" selected>Music</option>' in again
    assert f'<option value="{heritage.pk}" selected>Heritage</option>' in again


def test_the_public_page_shows_the_themes_saved_in_the_admin(curator_login: Any) -> None:
    partnership = PartnershipFactory()
    url = admin_url(Partnership, "change", partnership.pk)
    film = Theme.objects.get(slug="film")
    data = {**submitted(curator_login.get(url)), "themes": [str(film.pk)]}
    assert curator_login.post(url, data).status_code == 302
    public = curator_login.get(partnership.get_absolute_url()).content.decode()
    assert "?theme=film" in public


@pytest.mark.parametrize("typed", ["space travel", "music, space travel", "999999"])
def test_an_unknown_theme_cannot_be_created_through_the_record_form(
    curator_login: Any, typed: str
) -> None:
    partnership = PartnershipFactory()
    url = admin_url(Partnership, "change", partnership.pk)
    themes_before = Theme.objects.count()
    data = {**submitted(curator_login.get(url)), "themes": [typed]}
    response = curator_login.post(url, data)
    assert response.status_code == 200
    assert f"Not in the theme vocabulary: {typed}." in response.content.decode()
    assert Theme.objects.count() == themes_before
    assert not ThemedItem.objects.exists()


def test_clearing_every_theme_removes_them(curator_login: Any) -> None:
    partnership = PartnershipFactory()
    partnership.themes.add(Theme.objects.get(slug="music"))
    url = admin_url(Partnership, "change", partnership.pk)
    data = submitted(curator_login.get(url))
    data.pop("themes", None)  # a select with nothing chosen sends nothing
    assert curator_login.post(url, data).status_code == 302
    assert list(partnership.themes.names()) == []


@pytest.mark.parametrize("client_fixture", ["curator_login", "editor_client"])
def test_the_theme_search_finds_terms_of_the_vocabulary(
    request: pytest.FixtureRequest, client_fixture: str
) -> None:
    client = request.getfixturevalue(client_fixture)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "acad",
            "app_label": "agreements",
            "model_name": "partnership",
            "field_name": "themes",
        },
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Academic exchange"]


def test_the_theme_search_is_closed_to_anonymous_visitors(client: Any) -> None:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "m", "app_label": "agreements", "model_name": "meeting", "field_name": "themes"},
    )
    assert response.status_code == 302  # to the login page


def test_the_index_names_its_sections_for_the_work(curator_client: Any) -> None:
    """A superuser's index: "Access" for sign-in attempts and lock-outs, "Themes" for the
    vocabulary; no section named for a package (AXES, TAGGIT), no unused tag table."""
    html = curator_client.get(reverse("admin:index")).content.decode()
    captions = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert {"Access", "Themes"} <= set(captions), captions
    assert "Axes" not in html and "Taggit" not in html
    assert reverse("admin:agreements_theme_changelist") in html
    assert curator_client.get("/admin/taggit/tag/").status_code == 404
    assert "Access administration" in curator_client.get("/admin/axes/").content.decode()


def test_the_curators_desks_are_pages_of_the_admin_site(curator_client: Any) -> None:
    """The review queue and the deleted records are in the admin's own URLs, linked from
    its index, styled as its pages."""
    index = curator_client.get(reverse("admin:index")).content.decode()
    for name, address in (
        ("review-queue", "/admin/review/"),
        ("deleted-records", "/admin/deleted/"),
    ):
        assert reverse(f"admin:{name}") == address
        assert f'href="{address}"' in index
        page = curator_client.get(address)
        assert page.status_code == 200
        assert 'id="site-name"' in page.content.decode()  # the admin's header
    assert reverse("admin:review-queue").startswith(reverse("admin:index"))
