"""Error pages: JSON under /api/, the site's design elsewhere, and never a second error.

A request with a Host header outside ALLOWED_HOSTS fails in ``request.get_host()``; its 400
page must not call it again (base.html builds canonical addresses from it), so it is plain
text.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views import defaults
from rest_framework import exceptions

from directory import views

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(detail: str, status: int) -> JsonResponse:
    """The shape and words of DRF's own errors, in DRF's translations: ``{"detail": "..."}``."""
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        message = str(exception) if isinstance(exception, BadRequest) else ""
        return api_error(message or str(exceptions.ParseError.default_detail), 400)
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest("Bad Request (400)", content_type="text/plain")
    return views.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(str(exceptions.NotFound.default_detail), 404)
    return views.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(str(exceptions.APIException.default_detail), 500)
    return defaults.server_error(request)
