"""Reads of the public site from a read replica, when one is configured.

With ``DATABASE_REPLICA_URL`` set, ``PublicReadsMiddleware`` marks GET and HEAD requests outside
the admin, and ``ReplicaRouter`` sends their reads to the replica: pages, search, the API and
exports. Everything else (the admin, every write, the migrations) uses the primary, so an
editor always reads what they just wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)

REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if getattr(getattr(model, "_meta", None), "app_label", "") == "django_cache":
            return "default"  # the API's request counts (a DatabaseCache) are written each time
        return REPLICA if _public_read.get() else "default"

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


class PublicReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        public = request.method in ("GET", "HEAD") and "/admin/" not in request.path
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
