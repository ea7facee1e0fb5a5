"""The API's rate limit, counted once for every web process."""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.throttling import AnonRateThrottle


class SharedAnonRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle with its counts in the ``throttle`` cache: Redis when
    configured, else a table in the database. DRF's default, the local-memory cache, keeps one
    count per gunicorn worker, so three workers let three times the rate through."""

    cache = caches["throttle"]
