from typing import Any

import pytest
from django.core.management import call_command


def pytest_report_header() -> str:
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    """Production redirects HTTP to HTTPS; the test client speaks HTTP (make test also sets
    SECURE_SSL_REDIRECT=false, which the live server of the browser tests needs)."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests run with production settings but without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Cached parts are keyed by the content version, which each test's database restarts;
    so are the per-process facet bitmaps. (Within a test, a change made in a transaction of
    its own announces itself on commit, which a test's transaction never reaches: tests of
    a before and an after use ``django_capture_on_commit_callbacks``.)"""
    from django.core.cache import cache

    from publishing.bitmaps import STORES
    from publishing.caching import clear_in_process

    cache.clear()
    STORES.clear()
    clear_in_process()


@pytest.fixture(autouse=True)
def _english_outside_requests() -> None:
    """A request leaves its language active in the test thread: start each test in English."""
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def seeded(db: None) -> None:
    call_command("loaddata", "fixtures/seed.json", verbosity=0)


@pytest.fixture
def curator_client(client: Any, django_user_model: Any) -> Any:
    user = django_user_model.objects.create_superuser("curator", "curator@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _bitmaps_in_the_request(settings: Any) -> None:
    """Facet bitmaps are built in the request in tests: a background thread would not see the
    test's transaction. tests/test_bitmaps.py checks them against the database's counts."""
    settings.FACET_BITMAPS = "sync"


@pytest.fixture(autouse=True)
def _pages_rendered_each_time(settings: Any) -> None:
    """Tests read the context of the responses; the page cache is tested on its own."""
    settings.PUBLIC_PAGE_CACHE = False


# -- Roles: a Florence city editor and a curator ---------------------------------------------


def admin_url(model: Any, view: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def florence() -> Any:
    from tests.factories import CityFactory

    return CityFactory(name="Florence", slug="florence", country="IT")


@pytest.fixture
def editor(django_user_model: Any, florence: Any) -> Any:
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    from django.contrib.auth.models import Group

    from editors.models import CityAssignment

    user.groups.add(Group.objects.get(name="City editors"))
    CityAssignment.objects.create(user=user, city=florence)
    return user


@pytest.fixture
def editor_client(client: Any, editor: Any) -> Any:
    client.force_login(editor)
    return client


@pytest.fixture
def curator(django_user_model: Any) -> Any:
    user = django_user_model.objects.create_user("curator", password="pw", is_staff=True)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="Curators"))
    return user


@pytest.fixture
def curator_login(client: Any, curator: Any) -> Any:
    client.force_login(curator)
    return client


@pytest.fixture(autouse=True)
def _no_overload_limits(settings: Any) -> None:
    """Tests make many expensive requests from one address, some leaving a download unread;
    tests/test_overload.py tests the limits (common/overload.py) themselves."""
    settings.EXPENSIVE_CONCURRENCY = 0
    settings.EXPENSIVE_RATE = "off"


@pytest.fixture
def bumps(monkeypatch: Any) -> list[int]:
    """Each move of the content version, counted (the version still moves)."""
    from publishing.models import ContentVersion

    moved: list[int] = []
    bump = ContentVersion.bump

    def counting() -> None:
        moved.append(1)
        bump()

    monkeypatch.setattr(ContentVersion, "bump", counting)
    return moved
