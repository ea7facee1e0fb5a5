"""The client's address, read through the proxies in front of the site.

Behind ``NUM_PROXIES`` proxies, ``REMOTE_ADDR`` is the nearest proxy's address; the client's is
in ``X-Forwarded-For``, the ``NUM_PROXIES``-th entry from the right (the entries to its left
are whatever the client sent, so they are never trusted). This is the rule of DRF's throttle,
so that the login lockout (django-axes) and the API's rate limit see the same client.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    proxies: int = settings.NUM_PROXIES
    if not proxies or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr
