"""Caching of what is expensive and public: keyed by the read version, so never stale.

The cache is Django's (local memory by default, Redis with ``REDIS_URL``); the version lives in
the database (``publishing.models.ContentVersion``) and moves on every public change, and the
day is part of the key (``ReadVersion``), so whatever the backend, no web process serves a
count made before a publication, nor yesterday's current members.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet

from .models import read_version

T = TypeVar("T")
TIMEOUT = 60 * 60


def cached(namespace: str, parts: Any, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"twinning:{namespace}:{read_version()}:{digest}"
    return cast(T, cache.get_or_set(key, compute, timeout))


def cached_count(records: Any) -> int:
    """``records.count()``, cached by its SQL and the read version (a filter that can match
    nothing, such as ``pk__in=[]``, has no SQL and counts 0)."""
    try:
        sql = str(records.query)
    except EmptyResultSet:
        return 0
    return cached("count", sql, records.count)
