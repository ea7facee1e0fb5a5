"""Caching of what is expensive and public: keyed by the content version, so never stale.

The cache is Django's (local memory by default, Redis with ``REDIS_URL``); the version lives in
the database (``directory.ContentVersion``) and moves on every change, so whatever the backend,
no web process serves a count made before a publication.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache

T = TypeVar("T")
TIMEOUT = 60 * 60


def cached(namespace: str, parts: Any, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    from publishing.models import ContentVersion

    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"twinning:{namespace}:{ContentVersion.current()}:{digest}"
    return cast(T, cache.get_or_set(key, compute, timeout))
