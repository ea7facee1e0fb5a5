"""Whole public pages cached under the content version: a page nobody changed is served
from the cache, and any change to the records retires every cached page at once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .models import ContentVersion

TIMEOUT = 60 * 60
KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control", "Content-Disposition", "Content-Language")


def public_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Cache a GET view's 200 responses by address, language, htmx request and day (pages
    carry the access date of their citation), under the content version."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if (
            not settings.PUBLIC_PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or "format" in request.GET
        ):
            return view(request, *args, **kwargs)
        parts = (
            request.build_absolute_uri(),
            translation.get_language(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            timezone.localdate().isoformat(),
        )
        digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
        key = f"twinning:page:{ContentVersion.current()}:{digest}"
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            cache.set(key, (response.content, headers), TIMEOUT)
        return response

    return wrapper
