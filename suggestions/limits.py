"""How many suggestions one client address may send (``SUGGESTION_RATE``, e.g. ``10/hour``).

Counted in the ``throttle`` cache that the API's rate limit and the expensive pages use, so
every web process shares the count; the address is read as they read it (common/clients.py).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from common.clients import client_address
from common.overload import parse_rate


def seconds_until_allowed(request: HttpRequest) -> int:
    """0 when the client may send one more suggestion now (and count it), else how many
    seconds until its window ends."""
    rate = parse_rate(str(getattr(settings, "SUGGESTION_RATE", "10/hour")))
    if rate is None:
        return 0
    limit, window = rate
    now = time.time()
    cache = caches["throttle"]
    key = f"twinning:suggest:{client_address(request)}:{int(now // window)}"
    cache.add(key, 0, window + 1)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        sent = 1
    if sent <= limit:
        return 0
    return max(1, int(window - now % window))
