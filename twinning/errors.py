"""Error pages: JSON under /api/, the site's design elsewhere, and never a second error.

A request with a Host header outside ALLOWED_HOSTS fails in ``request.get_host()``; its 400
page must not call it again (base.html builds canonical addresses from it), so it is plain
text.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from directory import views

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(detail: str, status: int) -> JsonResponse:
    """The shape of DRF's own errors: ``{"detail": "..."}``."""
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        message = str(exception) if isinstance(exception, BadRequest) else ""
        return api_error(message or _("Bad request."), 400)
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest(
            _("Bad request: unknown host."), content_type="text/plain; charset=utf-8"
        )
    return views.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(_("Not found."), 404)
    return views.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return api_error(_("Server error."), 500)
    return defaults.server_error(request)
