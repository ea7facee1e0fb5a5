"""Security and bad input: safe headers, locked-out brute force, health, no 5xx on any input."""

import logging
import os
import subprocess
import sys
from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .factories import CityFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def test_the_deploy_check_passes_with_production_settings() -> None:
    environment = {
        **os.environ,
        "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "twinning.example.org",
        "DEBUG": "false",
    }
    for test_only in ("SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # set for the tests
        environment.pop(test_only, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    environment["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    "path", ["/", "/partnerships/", "/partnerships/florence-isfahan/", "/api/v1/partnerships/"]
)
def test_pages_carry_strict_security_headers(client: Any, path: str) -> None:
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_and_secure_cookies_in_production(settings: Any, client: Any) -> None:
    from django.conf import settings as configured

    assert configured.SECURE_HSTS_SECONDS >= 31536000
    assert configured.SESSION_COOKIE_SECURE and configured.CSRF_COOKIE_SECURE
    assert configured.SESSION_COOKIE_HTTPONLY and configured.CSRF_COOKIE_HTTPONLY
    response = client.get("/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_the_admin_login_locks_out_after_repeated_failures(
    client: Any, django_user_model: Any
) -> None:
    django_user_model.objects.create_superuser("curator", "c@example.org", "right-password")
    login = reverse("admin:login")
    statuses = [
        client.post(login, {"username": "curator", "password": f"wrong-{n}"}).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the form and its error, then locked
    locked = client.post(login, {"username": "curator", "password": "right-password"})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()


def test_health_answers_200_with_the_database_and_503_without(
    client: Any, monkeypatch: Any
) -> None:
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}

    def unreachable(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("could not connect to server")

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", unreachable)
    down = client.get("/health/")
    assert down.status_code == 503
    assert down.json()["database"] == "unreachable"


def test_errors_are_logged_and_never_shown(client: Any, settings: Any, caplog: Any) -> None:
    from django.urls import path

    def broken(request: Any) -> Any:
        raise RuntimeError("secret internals")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("broken/", broken)]})
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode()
    assert any("secret internals" in str(record.exc_info) for record in caplog.records)


# -- Bad input: every list URL, whatever it is given -----------------------------------------------

LIST_URLS = [
    "/partnerships/",
    "/partnerships/charts/",
    "/partnerships/map.svg",
    "/projects/",
    "/cities/",
    "/search/",
    "/countries/",
    "/networks/",
    "/api/v1/partnerships/",
    "/api/v1/projects/",
    "/api/v1/cities/",
    "/api/v1/meetings/",
    "/api/v1/agreements/",
    "/api/v1/networks/",
    "/api/v1/themes/",
]
KNOWN = [
    "country",
    "region",
    "theme",
    "kind",
    "status",
    "decade",
    "network",
    "pair",
    "q",
    "sort",
    "page",
    "page_size",
    "format",
    "year",
    "city",
    "partnership",
    "meeting_format",
]


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "page=-1",
        "page=999999",
        "page=abc",
        "decade=abc",
        "q=" + "x" * 10_240,
        "q=%27%20OR%201%3D1%20--",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%FF%FE%C3",
        "country=IT&country=IT&country=it",
        "page=1&page=2",
        "page_size=999999",
        "format=../../etc/passwd",
        "q=%00",
    ],
)
@pytest.mark.parametrize("url", LIST_URLS)
def test_malformed_parameters_never_give_a_server_error(client: Any, url: str, query: str) -> None:
    cache.clear()
    response = client.get(url, QUERY_STRING=query)
    assert response.status_code in (200, 400, 404), (url, query, response.status_code)
    body = b"" if response.streaming else response.content
    assert b"<script>alert(1)</script>" not in body


parameter_names = st.sampled_from(KNOWN) | st.text(min_size=1, max_size=12)
parameter_values = st.text(max_size=300) | st.sampled_from(
    ["IT", "it", "1990", "music", "-1", "0", "99999999999999999999", "sister_city", "DE-FR", "csv"]
)


@hypothesis_settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from(LIST_URLS),
    parameters=st.lists(st.tuples(parameter_names, parameter_values), max_size=6),
)
def test_generated_parameters_never_give_a_server_error(
    client: Any, url: str, parameters: list[tuple[str, str]]
) -> None:
    cache.clear()
    query = "&".join(
        f"{quote(name, safe='')}={quote(value, safe='')}" for name, value in parameters
    )
    response = client.get(url, QUERY_STRING=query)
    assert response.status_code < 500, (url, query)


def test_generated_parameters_hit_real_records(client: Any) -> None:
    """The property test above runs on an empty directory too; this one on a few records."""
    PartnershipFactory(city_a=CityFactory(country="IT"))
    for query in ("country=IT", "q=City", "country=IT&format=geojson"):
        assert client.get("/partnerships/", QUERY_STRING=query).status_code == 200
