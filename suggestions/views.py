"""The public's forms: "Suggest a correction" on every record page, "Tell us about a
partnership" in the footer. No account; every refusal says why (400 or 429, never 500)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import CorrectionForm, GuardedForm, PartnershipForm, Refused
from .limits import seconds_until_allowed
from .models import Suggestion
from .notify import admin_change_url, editors_told
from .records import KINDS, matching_city


def page(
    request: HttpRequest, form: GuardedForm, context: dict[str, Any], status: int = 200
) -> TemplateResponse:
    return TemplateResponse(
        request, "suggestions/suggest.html", {"form": form, **context}, status=status
    )


def guarded(
    request: HttpRequest, form: GuardedForm, context: dict[str, Any]
) -> TemplateResponse | None:
    """The response refusing this POST, or None when it may be stored."""
    wait = seconds_until_allowed(request)
    if wait:
        minutes = max(1, round(wait / 60))
        response = page(
            request,
            form,
            {
                **context,
                "refusal": ngettext(
                    "You have sent many suggestions in a short time. Please try again in "
                    "%(minutes)d minute.",
                    "You have sent many suggestions in a short time. Please try again in "
                    "%(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            },
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        form.check_not_a_machine()
    except Refused as refusal:
        return page(request, form, {**context, "refusal": str(refusal)}, status=400)
    if not form.is_valid():
        return page(request, form, context, status=400)
    return None


def stored(request: HttpRequest, suggestion: Suggestion, cities: set[int]) -> HttpResponse:
    suggestion.language = (get_language() or "en")[:10]
    suggestion.save()
    suggestion.cities.set(cities)
    editors_told(suggestion, request.build_absolute_uri(admin_change_url(suggestion)))
    # Redirect, so that reloading the page does not send it twice.
    return HttpResponseRedirect(reverse("suggestions:thanks"))


@never_cache
@require_http_methods(["GET", "POST"])
def suggest_correction(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404(_("Nothing of this kind can be corrected."))
    correctable = KINDS[kind]
    record = get_object_or_404(correctable.records(), slug=slug)
    context = {"record": record, "kind": kind, "title": _("Suggest a correction")}
    if request.method != "POST":
        return page(request, CorrectionForm(correctable), context)
    form = CorrectionForm(correctable, request.POST)
    refused = guarded(request, form, context)
    if refused is not None:
        return refused
    data = form.cleaned_data
    suggestion = Suggestion(
        kind=Suggestion.Kind.CORRECTION,
        record=record,
        record_label=str(record)[:300],
        field=data["field"],
        proposed=data["proposed"],
        source=data["source"],
        name=data["name"],
        email=data["email"],
    )
    return stored(request, suggestion, correctable.cities(record))


@never_cache
@require_http_methods(["GET", "POST"])
def suggest_partnership(request: HttpRequest) -> HttpResponse:
    context = {"title": _("Tell us about a partnership")}
    if request.method != "POST":
        return page(request, PartnershipForm(), context)
    form = PartnershipForm(request.POST)
    refused = guarded(request, form, context)
    if refused is not None:
        return refused
    data = form.cleaned_data
    city, partner = matching_city(data["city"]), matching_city(data["partner"])
    suggestion = Suggestion(
        kind=Suggestion.Kind.PARTNERSHIP,
        city_name=data["city"],
        partner_name=data["partner"],
        city=city,
        partner=partner if partner != city else None,
        partnership_kind=data["partnership_kind"],
        established=data["established"],
        proposed=data["proposed"],
        source=data["source"],
        name=data["name"],
        email=data["email"],
    )
    cities = {found.pk for found in (city, partner) if found is not None}
    return stored(request, suggestion, cities)


@never_cache
def thanks(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "suggestions/thanks.html", {})
