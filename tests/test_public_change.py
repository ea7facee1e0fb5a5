"""One event for a change the public can see (publishing/events.py): after a bulk import the
new records are on every public surface at once, with the page cache and bitmaps on; an edit
nobody can see moves nothing."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Partnership
from cities.models import Citation
from publishing.models import ContentVersion

from .conftest import admin_url
from .factories import CityFactory, PartnershipFactory, SourceFactory

pytestmark = pytest.mark.django_db

WIKIDATA = Path(__file__).parent / "data" / "wikidata-excerpt.csv"


@pytest.fixture
def cached_site(settings: Any) -> None:
    """As in production: whole pages cached, facet counts from bitmaps."""
    settings.PUBLIC_PAGE_CACHE = True
    settings.FACET_BITMAPS = "sync"


def public_view(client: Any) -> dict[str, Any]:
    """What a visitor reads of the directory: the browse page, a filtered page never asked for
    before, the API's count, and Isfahan's page."""
    browse = client.get("/partnerships/").content.decode()
    sister = client.get("/partnerships/?kind=sister_city").content.decode()
    api = client.get("/api/v1/partnerships/").json()["count"]
    isfahan = client.get("/cities/isfahan/")
    return {
        "browse lists Isfahan": "Isfahan" in browse,
        "sister-city page lists Isfahan": "Isfahan" in sister,
        "api count": api,
        "Isfahan's page": isfahan.status_code,
    }


def test_a_published_import_is_public_at_once_without_a_restart(
    client: Any, cached_site: None, bumps: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    PartnershipFactory(city_a=CityFactory(name="Lyon"), city_b=CityFactory(name="Turin"))
    before = public_view(client)
    assert before == {
        "browse lists Isfahan": False,
        "sister-city page lists Isfahan": False,
        "api count": 1,
        "Isfahan's page": 404,
    }
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_partnerships", str(WIKIDATA), profile="wikidata", publish=True)
    assert len(bumps) == 1  # one event for the whole file, not one per row
    imported = Partnership.objects.count() - 1
    assert imported > 2
    after = public_view(client)
    assert after == {
        "browse lists Isfahan": True,
        "sister-city page lists Isfahan": True,
        "api count": imported + 1,
        "Isfahan's page": 200,
    }


def test_an_import_confirmed_in_the_admin_is_public_at_once(
    client: Any,
    curator: Any,
    cached_site: None,
    bumps: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert public_view(client)["api count"] == 0
    client.force_login(curator)
    url = reverse("admin:agreements_partnership_import")
    upload = io.BytesIO(WIKIDATA.read_bytes())
    upload.name = "pairs.csv"
    preview = client.post(url, {"file": upload, "profile": "wikidata", "publish": "on"})
    assert bumps == []  # a preview is a dry run
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {"confirm": "1", "token": preview.context["token"], "profile": "wikidata"}
            | {"publish": "on", "name": "pairs.csv"},
        )
    assert len(bumps) == 1
    client.logout()
    view = public_view(client)
    assert view["api count"] == Partnership.objects.count() > 2
    assert view["browse lists Isfahan"] and view["Isfahan's page"] == 200


def test_editing_a_draft_moves_nothing_and_publishing_it_moves_the_version(
    curator_login: Any, bumps: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    from editors.admin_tools import stored_version

    from .test_trust import partnership_form

    draft = PartnershipFactory(publication_state="draft", summary="first")
    source = SourceFactory()
    bumps.clear()
    version = ContentVersion.current()
    data = partnership_form(draft.city_a, draft.city_b, summary="second", slug=draft.slug)
    data["record_version"] = stored_version(Partnership, draft.pk)
    with django_capture_on_commit_callbacks(execute=True):
        saved = curator_login.post(admin_url(Partnership, "change", draft.pk), data)
        assert saved.status_code == 302
        Citation.objects.create(source=source, record=draft, excerpt="a draft's source")
    draft.refresh_from_db()
    assert draft.summary == "second"
    assert bumps == [] and ContentVersion.current() == version
    data.update(publication_state="published", record_version=stored_version(Partnership, draft.pk))
    with django_capture_on_commit_callbacks(execute=True):
        curator_login.post(admin_url(Partnership, "change", draft.pk), data)
    assert len(bumps) == 1 and ContentVersion.current() != version


def test_withdrawing_or_deleting_a_published_record_moves_the_version(
    bumps: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    published = PartnershipFactory()
    bumps.clear()
    published = Partnership.objects.get(pk=published.pk)
    published.publication_state = "withdrawn"
    published.save()
    assert len(bumps) == 1
    other = Partnership.objects.get(pk=PartnershipFactory().pk)
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):  # a delete is its own transaction
        other.delete()
    assert len(bumps) == 1
    draft = Partnership.objects.get(pk=PartnershipFactory(publication_state="draft").pk)
    bumps.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert bumps == []


def test_a_rolled_back_import_announces_nothing(
    bumps: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        call_command("import_partnerships", str(WIKIDATA), profile="wikidata", publish=True)
        raise RuntimeError("the disk filled up")
    assert bumps == [] and not Partnership.objects.exists()


def test_a_new_theme_is_offered_after_it_is_saved(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Themes and networks are read once per read version and process
    (publishing.caching.in_process): saving one moves the version, so the next page offers
    it, without a restart."""
    from agreements.models import Theme

    partnership = PartnershipFactory()
    assert client.get(reverse("directory:partnership-list")).status_code == 200
    assert client.get(f"{reverse('directory:partnership-list')}?theme=tides").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        theme = Theme.objects.create(name="Tides", slug="tides")
        partnership.themes.add(theme)
    response = client.get(f"{reverse('directory:partnership-list')}?theme=tides")
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == [partnership.pk]
