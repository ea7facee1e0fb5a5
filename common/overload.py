"""Expensive public pages may not occupy every web worker.

Charts, search, filtered listings, the partnership map, downloads and the sitemap can each take
a noticeable share of a second or more when their page is not cached, and anyone can ask for
them with a new query string. Two limits keep a handful of such requests from holding every
worker (and with it ``/robots.txt``, ``/health/`` and every cached page):

- **per process**, at most ``EXPENSIVE_CONCURRENCY`` expensive requests run at a time (1 by
  default; gunicorn runs gthread workers with spare threads, ``gunicorn.conf.py``, so the other
  threads keep answering cheap requests). One more is answered at once with 503 and
  ``Retry-After``, never queued;
- **per client address**, at most ``EXPENSIVE_RATE`` expensive requests (``30/min``), counted in
  the ``throttle`` cache that the API's rate limit uses too (Redis, or a database table without
  it: shared by every process either way); then 429 and ``Retry-After``.

Only work is limited: ``@expensive`` goes inside ``@public_page``, so a page served from the
cache passes freely. A streamed download holds its slot until the last byte is sent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from .clients import client_address

logger = logging.getLogger(__name__)

RATE_UNITS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600}
BUSY_RETRY_AFTER = 2

_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def slots() -> threading.BoundedSemaphore | None:
    """This process's expensive-request slots (None: no limit)."""
    size = int(getattr(settings, "EXPENSIVE_CONCURRENCY", 1))
    if size <= 0:
        return None
    with _slots_lock:
        if size not in _slots:
            _slots[size] = threading.BoundedSemaphore(size)
        return _slots[size]


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"30/min"`` as (30, 60); None when off (empty, ``off`` or ``0``)."""
    if not rate or rate in ("off", "0"):
        return None
    count, _, unit = rate.partition("/")
    return int(count), RATE_UNITS[unit or "min"]


def seconds_until_allowed(request: HttpRequest) -> int:
    """0 when the client may make one more expensive request now (and count it), else how
    many seconds until its window ends."""
    return rate_limited(request, "rate", str(getattr(settings, "EXPENSIVE_RATE", "30/min")))


def rate_limited(request: HttpRequest, counter: str, rate_setting: str) -> int:
    """One more of ``counter`` (expensive pages, suggestions) for the client's address
    within ``rate_setting`` ("30/min"), counted in the shared ``throttle`` cache: 0 when
    allowed (and counted), else the seconds until its window ends."""
    rate = parse_rate(rate_setting)
    if rate is None:
        return 0
    limit, window = rate
    now = time.time()
    cache = caches["throttle"]
    key = f"twinning:{counter}:{client_address(request)}:{int(now // window)}"
    cache.add(key, 0, window + 1)
    try:
        made = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        made = 1
    if made <= limit:
        return 0
    return max(1, int(window - now % window))


def refusal(status: int, retry_after: int, message: str) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    # Refusing is the limit working, not a server error: one line at INFO, not Django's ERROR
    # with a traceback-sized record for every refused request.
    response._has_been_logged = True  # type: ignore[attr-defined]
    logger.info("Refused with %d: %s", status, message)
    return response


def expensive(
    view: Callable[..., Any] | None = None,
    *,
    when: Callable[[HttpRequest], bool] | None = None,
) -> Any:
    """Limit a view (or, with ``when``, those of its requests that are expensive)."""
    if view is None:
        return lambda view: expensive(view, when=when)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if when is not None and not when(request):
            return view(request, *args, **kwargs)
        # The slot first: it costs nothing, so a busy process refuses without a query.
        semaphore = slots()
        if semaphore is not None and not semaphore.acquire(blocking=False):
            return refusal(
                503, BUSY_RETRY_AFTER, "The server is busy with other searches: try again."
            )
        wait = seconds_until_allowed(request)
        if wait:
            if semaphore is not None:
                semaphore.release()
            return refusal(429, wait, "Too many requests for expensive pages: try again later.")
        if semaphore is None:
            return view(request, *args, **kwargs)
        try:
            response = view(request, *args, **kwargs)
            if getattr(response, "streaming", False):
                # Released when the server closes the response, after the last byte.
                response._resource_closers.append(semaphore.release)
                semaphore = None
            elif hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response
        finally:
            if semaphore is not None:
                semaphore.release()

    return wrapper
