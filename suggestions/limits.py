"""How many suggestions one client address may send (``SUGGESTION_RATE``, e.g. ``10/hour``).

Counted in the ``throttle`` cache that the API's rate limit and the expensive pages use, so
every web process shares the count; the address is read as they read it (common/clients.py).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from common.overload import rate_limited


def seconds_until_allowed(request: HttpRequest) -> int:
    """0 when the client may send one more suggestion now (and count it), else how many
    seconds until its window ends."""
    return rate_limited(request, "suggest", str(getattr(settings, "SUGGESTION_RATE", "10/hour")))
