"""What lets Twinning run on several machines: a replica for public reads, a shared cache."""

from typing import Any

import pytest
from django.test import RequestFactory

from twinning.routers import PublicReadsMiddleware, ReplicaRouter


@pytest.mark.parametrize(
    ("method", "path", "database"),
    [
        ("GET", "/partnerships/", "replica"),
        ("GET", "/api/v1/partnerships/", "replica"),
        ("GET", "/fa/cities/isfahan/", "replica"),
        ("GET", "/admin/agreements/partnership/", "default"),
        ("GET", "/it/admin/", "default"),
        ("POST", "/partnerships/", "default"),
    ],
)
def test_public_reads_go_to_the_replica_and_the_rest_to_the_primary(
    method: str, path: str, database: str
) -> None:
    router = ReplicaRouter()
    seen: list[str | None] = []

    def view(request: Any) -> Any:
        seen.append(router.db_for_read(object))
        return "response"

    request = RequestFactory().generic(method, path)
    PublicReadsMiddleware(view)(request)
    assert seen == [database]
    assert router.db_for_read(object) == "default"  # outside a request: the primary
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate("replica", "agreements") is False


@pytest.mark.django_db
def test_cached_parts_are_shared_through_redis_when_configured(settings: Any) -> None:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    from publishing.caching import cached

    calls: list[int] = []
    caches["default"].clear()
    assert cached("test", "key", lambda: calls.append(1) or 41 + 1) == 42
    assert cached("test", "key", lambda: calls.append(1) or 0) == 42
    assert calls == [1]
    caches["default"].clear()
