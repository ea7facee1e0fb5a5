"""Error pages: JSON under /api/, the site's design elsewhere, and never a second error.

A request with a Host header outside ALLOWED_HOSTS fails in ``request.get_host()``; its 400
page must not call it again (base.html builds canonical addresses from it), so it is plain
text.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, DisallowedHost
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.response import TemplateResponse
from django.views import defaults
from rest_framework import exceptions

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(detail: str, status: int) -> JsonResponse:
    """The shape and words of DRF's own errors, in DRF's translations: ``{"detail": "..."}``."""
    return JsonResponse({"detail": detail}, status=status)


def bad_request_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 in the site's design, with the message when it is one of ours."""
    message = str(exception) if isinstance(exception, BadRequest) else ""
    return TemplateResponse(request, "400.html", {"message": message}, status=400).render()


def not_found_page(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = exception.args[0] if isinstance(exception, Http404) and exception.args else ""
    if not isinstance(message, str) or (message.startswith("No ") and "matches" in message):
        message = ""  # Django's own messages name models; ours are written for people
    return TemplateResponse(request, "404.html", {"message": message}, status=404).render()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        message = str(exception) if isinstance(exception, BadRequest) else ""
        return api_error(message or str(exceptions.ParseError.default_detail), 400)
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest("Bad Request (400)", content_type="text/plain")
    return bad_request_page(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(str(exceptions.NotFound.default_detail), 404)
    return not_found_page(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(str(exceptions.APIException.default_detail), 500)
    return defaults.server_error(request)
