"""Attacks of the adversarial review (issue 15), replayed through the real URLs."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from agreements.models import Partnership
from directory.sitemaps import LocalisedSitemap
from tests.conftest import admin_url
from tests.factories import AgreementFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROXY = "10.0.0.1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# -- 11. The login lockout behind a proxy --------------------------------------------------


@pytest.fixture
def behind_one_proxy(settings: Any, django_user_model: Any) -> None:
    """NUM_PROXIES=1 with BEHIND_TLS_PROXY: every request comes from the proxy's address."""
    settings.NUM_PROXIES = 1
    django_user_model.objects.create_superuser("curator", "c@example.org", "right-password")


def log_in(client: Any, client_address: str, password: str) -> int:
    response = client.post(
        reverse("admin:login"),
        {"username": "curator", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )
    client.logout()
    return int(response.status_code)


@pytest.mark.usefixtures("behind_one_proxy")
def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(client: Any) -> None:
    attacker, curator = "203.0.113.7", "198.51.100.20"
    statuses = [log_in(client, attacker, f"wrong-{n}") for n in range(5)]
    assert statuses[-1] == 429
    assert log_in(client, attacker, "right-password") == 429
    assert log_in(client, curator, "right-password") == 302  # the real curator gets in


@pytest.mark.usefixtures("behind_one_proxy")
def test_failures_during_a_lockout_do_not_prolong_it(client: Any) -> None:
    attacker = "203.0.113.7"
    for n in range(5):
        log_in(client, attacker, f"wrong-{n}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=59))
    assert log_in(client, attacker, "wrong-again") == 429  # still locked, for one more minute
    # Two minutes later: an hour after the lockout began, and a minute after the retry.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=2))
    assert log_in(client, attacker, "right-password") == 302


# -- 12. Errors: a 4xx, not a 500, and JSON under /api/ --------------------------------------


def test_an_unknown_host_is_a_400_not_a_server_error(client: Any) -> None:
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    api = client.get(f"{API}/themes/", HTTP_HOST="attacker.example")
    assert api.status_code == 400 and api["Content-Type"] == "application/json"


@pytest.mark.parametrize("year", ["0", "-1", "99999999", "1990.5"])
def test_an_impossible_meeting_year_is_a_400_that_names_it(client: Any, year: str) -> None:
    response = client.get(f"{API}/meetings/", {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


def test_a_real_meeting_year_still_filters(client: Any) -> None:
    assert client.get(f"{API}/meetings/", {"year": "1990"}).status_code == 200


@pytest.mark.parametrize(
    "path", [f"{API}/partnerships/%00/", f"{API}/cities/a%00b/", f"{API}/nothing/", "/api/"]
)
def test_an_unknown_api_address_is_a_json_404(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_wrong_method_and_the_rate_limit_are_json(client: Any) -> None:
    from rest_framework.throttling import AnonRateThrottle

    refused = client.post(f"{API}/themes/", {}, content_type="application/json")
    assert refused.status_code == 405 and "detail" in refused.json()
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {"anon": "1/min"}
    try:
        client.get(f"{API}/themes/")
        limited = client.get(f"{API}/themes/")
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert limited.status_code == 429 and "detail" in limited.json()


def test_a_server_error_in_the_api_is_json(client: Any) -> None:
    client.raise_request_exception = False
    with mock.patch("api.views.ThemeViewSet.get_queryset", side_effect=RuntimeError("boom")):
        response = client.get(f"{API}/themes/")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}
    assert b"boom" not in response.content


# -- 13. The sitemap lists every published record --------------------------------------------


def locations(xml: str) -> list[str]:
    return [loc.removeprefix("http://testserver") for loc in re.findall(r"<loc>(.*?)</loc>", xml)]


def test_the_sitemap_is_an_index_whose_pages_list_every_published_record(
    client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(LocalisedSitemap, "limit", 8)  # two records (in four languages) a page
    published = PartnershipFactory.create_batch(5)
    draft = PartnershipFactory(publication_state="draft")
    index = client.get("/sitemap.xml").content.decode()
    assert "<sitemapindex" in index
    pages = [page for page in locations(index) if "sitemap-partnerships.xml" in page]
    assert pages == [
        "/sitemap-partnerships.xml",
        "/sitemap-partnerships.xml?p=2",
        "/sitemap-partnerships.xml?p=3",
    ]
    listed = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        listed.update(locations(response.content.decode()))
    for partnership in published:
        assert f"/partnerships/{partnership.slug}/" in listed
        assert f"/vi/partnerships/{partnership.slug}/" in listed
    assert not any(draft.slug in location for location in listed)
    assert len(listed) == 5 * 4
    assert client.get("/sitemap-partnerships.xml?p=4").status_code == 404


def test_a_sitemap_page_reads_only_its_own_records(
    client: Any, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    monkeypatch.setattr(LocalisedSitemap, "limit", 8)
    PartnershipFactory.create_batch(30)
    last = Partnership.objects.order_by("pk").last()
    assert last is not None
    with django_assert_max_num_queries(6):
        xml = client.get("/sitemap-partnerships.xml?p=15").content.decode()
    assert locations(xml)[-1] == f"/vi/partnerships/{last.slug}/"
    assert len(locations(xml)) == 8


# -- 15a. Request bodies -------------------------------------------------------------------


def test_a_huge_anonymous_post_is_refused_before_it_is_read(client: Any) -> None:
    response = client.generic(
        "POST",
        reverse("admin:login"),
        b"",  # declared, never sent: reading it would fail the test client
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    api = client.generic(
        "POST", f"{API}/themes/", b"", content_type="application/json", CONTENT_LENGTH="2000000"
    )
    assert api.status_code == 413 and "detail" in api.json()


def test_an_anonymous_upload_over_a_megabyte_is_a_413(client: Any) -> None:
    big = SimpleUploadedFile("big.bin", b"0" * (1024 * 1024 + 1))
    response = client.post(reverse("admin:login"), {"username": "x", "password": "y", "f": big})
    assert response.status_code == 413
    assert client.get(reverse("admin:login")).status_code == 200


def test_staff_still_upload_large_documents_in_the_admin(
    curator_login: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    partnership = PartnershipFactory()
    document = SimpleUploadedFile("pact.pdf", PDF + b"0" * (5 * 1024 * 1024))
    response = curator_login.post(
        admin_url(AgreementFactory._meta.model, "add"),
        {"partnership": partnership.pk, "document": document},
    )
    assert response.status_code == 200  # the form, with its errors: read, not refused
    assert "errornote" in response.content.decode()


# -- 15b. The API's rate limit is shared by every web process ----------------------------------


def test_the_rate_limit_holds_across_worker_processes(client: Any) -> None:
    from rest_framework.throttling import AnonRateThrottle

    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {"anon": "2/min"}
    try:
        statuses = [client.get(f"{API}/themes/").status_code for _ in range(2)]
        # Another gunicorn worker: its own memory, so every process-local cache starts empty.
        for cache in caches.all():
            if isinstance(cache, LocMemCache):
                cache.clear()
        elsewhere = client.get(f"{API}/themes/")
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200]
    assert elsewhere.status_code == 429


# -- 15c. Signed documents are downloads ---------------------------------------------------------


def test_a_signed_document_is_a_sandboxed_download(
    client: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "agreements").mkdir()
    (tmp_path / "agreements" / "pact.pdf").write_bytes(PDF)
    agreement = AgreementFactory(document="agreements/pact.pdf")
    response = client.get(reverse("directory:agreement-document", args=[agreement.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pact.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


# -- 15d. Admin sessions end when idle -----------------------------------------------------------


def test_an_idle_admin_session_ends_and_an_active_one_goes_on(curator_login: Any) -> None:
    start = timezone.now()

    def at(minutes: int) -> Any:
        later = start + datetime.timedelta(minutes=minutes)
        return mock.patch("django.utils.timezone.now", return_value=later)

    with at(0):
        assert curator_login.get(reverse("admin:index")).status_code == 200
    with at(110):  # in use: each request starts the idle time again
        assert curator_login.get(reverse("admin:index")).status_code == 200
    with at(220):
        assert curator_login.get(reverse("admin:index")).status_code == 200
    with at(220 + 121):  # two hours without a request
        response = curator_login.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# -- 15e. The admin's history page under the Content-Security-Policy --------------------------


def test_the_history_page_has_no_inline_style_or_script(curator_login: Any) -> None:
    partnership = PartnershipFactory()
    partnership.save()  # a second version
    response = curator_login.get(admin_url(Partnership, "history", partnership.pk))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy
    page = response.content.decode()
    assert 'class="paginator"' in page and "2 entries" in page
    assert not re.search(r"\sstyle=", page)  # an inline style attribute the CSP blocks
    assert not re.search(r"<script(?![^>]*\ssrc=)(?![^>]*application/(ld\+)?json)", page)
    assert not re.search(r"\son[a-z]+=", page)  # inline event handlers
    assert "css/admin-history.css" in page and finders.find("css/admin-history.css")
