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


# Process-local values of the current read version: the last version's, by name.
_IN_PROCESS: dict[str, tuple[Any, Any]] = {}


def in_process(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per read version in this process: a small vocabulary read on every
    page (themes, networks), where even the shared cache costs a round trip. A public
    change moves the read version, so the next request reads it again."""
    version = read_version()
    held = _IN_PROCESS.get(name)
    if held is not None and held[0] == version:
        return cast(T, held[1])
    value = compute()
    _IN_PROCESS[name] = (version, value)
    return value


def clear_in_process() -> None:
    """Forget every in-process value (tests: each restarts the database's version)."""
    _IN_PROCESS.clear()


def cached_count(records: Any) -> int:
    """``records.count()``, cached by its SQL and the read version (a filter that can match
    nothing, such as ``pk__in=[]``, has no SQL and counts 0)."""
    try:
        sql = str(records.query)
    except EmptyResultSet:
        return 0
    return cached("count", sql, records.count)
