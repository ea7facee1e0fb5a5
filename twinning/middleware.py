"""Middleware: a bound on request bodies, idle sessions, and measurement for benchmarks.

``QueryCountMiddleware`` (``QUERY_COUNT_HEADER=true``; never on in production): each response
says how many SQL queries it took (``X-Queries``) and how long the server spent on it
(``Server-Timing``) and whether this worker's bitmaps are ready (``X-Bitmaps``), so that
``make bench`` measures from outside, over HTTP, reports queries per request and measures warm
workers only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone

from publishing.bitmaps import readiness


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = [0]

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count[0])
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response["X-Bitmaps"] = readiness()
        return response


class RequestBodyLimitMiddleware:
    """A 413 before the body is read when its declared length is over the limit.

    Without a proxy that bounds bodies, gunicorn hands Django whatever arrives; Django's own
    limits apply only once a view parses the form. Staff posting to the admin may send
    ``ADMIN_UPLOAD_MAX_BYTES`` (signed documents, spreadsheets); everyone else
    ``REQUEST_MAX_BYTES``. After the authentication middleware, which reads only the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("Invalid Content-Length.", content_type="text/plain")
        if length > settings.REQUEST_MAX_BYTES and length > self.limit(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Request body too large."}, status=413)
            return HttpResponse(
                "Request body too large.", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

    @staticmethod
    def limit(request: HttpRequest) -> int:
        user = getattr(request, "user", None)
        if "/admin/" in request.path and user is not None and user.is_staff:
            return int(settings.ADMIN_UPLOAD_MAX_BYTES)
        return int(settings.REQUEST_MAX_BYTES)


LAST_SEEN = "_last_seen"


def _seen_at_login(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    request.session[LAST_SEEN] = int(timezone.now().timestamp())


class SessionIdleMiddleware:
    """A signed-in session ends ``SESSION_COOKIE_AGE`` (SESSION_IDLE_MINUTES) after its last
    request, not two weeks after the login: each request pushes the expiry on, by saving the
    session, at most once a minute (not a write per request)."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        user_logged_in.connect(_seen_at_login, dispatch_uid="twinning-session-last-seen")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response  # no session to keep alive: public pages stay cookie-free
        session = request.session
        if SESSION_KEY in session:
            now = int(timezone.now().timestamp())
            if now - int(session.get(LAST_SEEN, 0)) >= self.REFRESH_SECONDS:
                session[LAST_SEEN] = now  # saved, with a new expiry, by SessionMiddleware
        return response
