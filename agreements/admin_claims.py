"""The claims of a partnership in its admin page, and "prefer this claim" (issue 12).

Every claim is listed, read-only, with its source and row; preferring one sets the record's
field from it (``agreements.claims.prefer``), with who chose it and when on the claim and a
step in the record's history. Whoever may edit the partnership may prefer: a curator always
(a published record changes for the public at once, as any curator's edit does), a city editor
only on a draft or a record in review of their cities, which the public does not see until a
curator publishes it; on a published record an editor sees the claims and cannot choose.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.forms.models import BaseInlineFormSet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editors.admin_tools import ScopedInline

from .claims import CannotPrefer, Claim, prefer

LARGEST_KEY = 2**63 - 1


class ClaimFormSet(BaseInlineFormSet):
    """Shown, never submitted: whatever a form posts for it (or leaves out) is ignored, so a
    partnership saves as before, and a claim changes only by ``prefer``."""

    def __init__(self, data: Any = None, files: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(None, None, *args, **kwargs)
        self.new_objects: list[Any] = []
        self.changed_objects: list[Any] = []
        self.deleted_objects: list[Any] = []

    def is_valid(self) -> bool:
        return True

    def has_changed(self) -> bool:
        return False

    def save(self, commit: bool = True) -> list[Any]:
        return []


class ClaimInline(ScopedInline, admin.TabularInline):
    model = Claim
    formset = ClaimFormSet
    extra = 0
    can_delete = False
    fields = ("field", "stated", "source", "row", "chosen", "prefer_button")
    readonly_fields = fields
    verbose_name_plural = _("what the sources state (claims)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # claims are what sources state: chosen, never edited

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .select_related("partnership", "source", "citation", "chosen_by")
        )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        parent_admin = self.admin_site.get_model_admin(type(obj)) if obj is not None else None
        if parent_admin is None or not parent_admin.has_change_permission(request, obj):
            fields.remove("prefer_button")
        return fields

    @admin.display(description=_("value"))
    def stated(self, claim: Claim) -> str:
        return claim.display_value()

    @admin.display(description=_("row"))
    def row(self, claim: Claim) -> str:
        return claim.citation.locator if claim.citation else gettext("not cited yet")

    @admin.display(description=_("preferred"))
    def chosen(self, claim: Claim) -> str:
        if claim.chosen_at is None:
            return ""
        return gettext("by %(user)s on %(date)s") % {
            "user": claim.chosen_by or "?",
            "date": claim.chosen_at.date().isoformat(),
        }

    @admin.display(description=_("prefer"))
    def prefer_button(self, claim: Claim) -> str:
        if claim.agrees_with(claim.partnership):
            return gettext("the record's value")
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate name="claim" value="{}">{}</button>',
            reverse("admin:agreements_partnership_prefer", args=[claim.partnership_id]),
            claim.pk,
            gettext("Prefer this claim"),
        )


def prefer_view(model_admin: Any, request: HttpRequest, object_id: int) -> HttpResponse:
    """POST ``claim``: make that claim of this partnership the record's value."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if object_id > LARGEST_KEY:
        raise Http404
    partnership = model_admin.get_object(request, str(object_id))  # 404 outside their cities
    if not model_admin.has_change_permission(request, partnership):
        raise PermissionDenied
    given = request.POST.get("claim", "")
    # The length first: int() of more than 4300 digits is a ValueError, a 500.
    if not (given.isascii() and given.isdigit()) or len(given) > 19 or int(given) > LARGEST_KEY:
        return HttpResponseBadRequest(gettext("Name a claim of this partnership by its number."))
    claim = Claim.objects.filter(pk=int(given), partnership=partnership).first()
    if claim is None:
        raise Http404(gettext("This partnership has no such claim."))
    try:
        prefer(claim, request.user)
    except CannotPrefer as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            gettext("Preferred: %(field)s %(value)s, as %(source)s states.")
            % {
                "field": claim.get_field_display(),
                "value": claim.display_value(),
                "source": claim.source,
            },
        )
    return redirect("admin:agreements_partnership_change", partnership.pk)
