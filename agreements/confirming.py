"""The admin screen "Confirm your city's partnerships": records that stay true.

A city editor sees every partnership of the cities they keep (``editors.access.city_ids``) and
confirms each one as recorded, or marks it dormant or ended on a date, one by one or several
at once, with a note; a curator does the same for any partnership, as a curator or from a
source. ``Partnership.confirm`` records who, when and how, and a new status as a step of the
life cycle; the save is a public change like any other (``publishing.events``), so the public
page says so at once.

A POST naming any partnership outside the user's scope is refused whole: nothing is changed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from editors.access import city_ids, is_curator

from .models import (
    CONFIRMATION_AGES,
    ConfirmationMethod,
    ConfirmationOutcome,
    Partnership,
    PartnershipQuerySet,
)

PAGE_SIZE = 50
MAX_NOTE = 2000


class LastConfirmedListFilter(admin.SimpleListFilter):
    """The partnership changelist by confirmation age, counted from today as on the screen
    and the browse page (``PartnershipQuerySet.confirmed``)."""

    title = gettext_lazy("Last confirmed")
    parameter_name = "confirmed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(CONFIRMATION_AGES)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        age = self.value()
        if not age:
            return queryset
        if age not in dict(CONFIRMATION_AGES):  # an unknown age selects nothing
            return queryset.none()
        return queryset.confirmed(age)  # type: ignore[attr-defined]  # a PartnershipQuerySet


class ConfirmationForm(forms.Form):
    """What one submission applies to the partnerships it names."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("The partnership is"),
        choices=ConfirmationOutcome.choices,
        initial=ConfirmationOutcome.CONFIRMED,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(
        label=gettext_lazy("Since (dormant) or ended on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Required when it ended."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("How you know; seen by the directory's staff only."),
    )
    how = forms.ChoiceField(
        label=gettext_lazy("Confirmed"),
        choices=[
            (ConfirmationMethod.CURATOR, ConfirmationMethod.CURATOR.label),
            (ConfirmationMethod.SOURCE, ConfirmationMethod.SOURCE.label),
        ],
        initial=ConfirmationMethod.CURATOR,
        required=False,
    )

    def __init__(self, *args: Any, curator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not curator:  # a city editor confirms as their city: no choice to forge
            del self.fields["how"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == ConfirmationOutcome.ENDED and not cleaned.get("date"):
            self.add_error("date", _("Give the date on which the partnership ended."))
        return cleaned


def may_confirm(request: HttpRequest) -> bool:
    return is_curator(request.user) or bool(city_ids(request.user))


def in_scope(request: HttpRequest) -> PartnershipQuerySet:
    """The partnerships the user may confirm: a curator's, all; an editor's, their cities'."""
    partnerships = Partnership.objects.all()
    if is_curator(request.user):
        return partnerships
    return partnerships.involving_any(list(city_ids(request.user)))


def listed(request: HttpRequest) -> tuple[QuerySet[Partnership], str]:
    """The partnerships shown, the least recently confirmed first, and the age asked for."""
    age = request.GET.get("confirmed", "")
    records = in_scope(request)
    if age:
        if age not in dict(CONFIRMATION_AGES):
            raise BadRequest(_("%(value)s is not a known value of this filter.") % {"value": age})
        records = records.confirmed(age)
    ordered = records.select_related("city_a", "city_b", "confirmed_by").order_by(
        F("confirmed_at").asc(nulls_first=True), "slug"
    )
    return ordered, age


def confirm_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if not may_confirm(request):
        raise PermissionDenied
    curator = is_curator(request.user)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("only"):  # a row's own button: as recorded, whatever the shared choice
            data["outcome"], data["date"] = ConfirmationOutcome.CONFIRMED, ""
    form = ConfirmationForm(data, curator=curator)
    if request.method == "POST":
        if form.is_valid():
            return apply(request, form, curator)
        messages.error(request, _("Nothing was changed: correct the errors below."))
    records, age = listed(request)
    try:
        page = Paginator(records, PAGE_SIZE).page(request.GET.get("page") or 1)
    except InvalidPage:  # not a number (PageNotAnInteger), or past the end
        raise Http404(_("There is no such page.")) from None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Confirm your cities' partnerships")
        if not curator
        else _("Confirm partnerships"),
        "opts": Partnership._meta,
        "form": form,
        "page": page,
        "ages": CONFIRMATION_AGES,
        "age": age,
        "curator": curator,
        "change_url": "admin:agreements_partnership_change",
    }
    return TemplateResponse(
        request,
        "admin/agreements/partnership/confirm.html",
        context,
        status=400 if form.errors else 200,
    )


def requested_ids(request: HttpRequest) -> list[int]:
    raw = (
        [request.POST["only"]] if request.POST.get("only") else request.POST.getlist("partnership")
    )
    try:
        ids = sorted({int(value) for value in raw})
    except ValueError:
        raise BadRequest(_("A partnership is named by its number.")) from None
    if ids and not (ids[0] > 0 and ids[-1] < 2**63):  # beyond any key: an OverflowError
        raise BadRequest(_("A partnership is named by its number."))
    return ids


def apply(request: HttpRequest, form: ConfirmationForm, curator: bool) -> HttpResponse:
    ids = requested_ids(request)
    if not ids:
        messages.error(request, _("Choose at least one partnership."))
        return HttpResponseRedirect(request.get_full_path())
    records = list(in_scope(request).filter(pk__in=ids).select_related("city_a", "city_b"))
    if len(records) != len(ids):  # a forged id: another city's partnership, or none at all
        raise PermissionDenied
    outcome = form.cleaned_data["outcome"]
    how = form.cleaned_data.get("how") or ConfirmationMethod.CURATOR
    mine = city_ids(request.user)
    try:
        with transaction.atomic():
            for record in records:
                city = None
                if not curator:
                    how = ConfirmationMethod.CITY
                    city = record.city_a if record.city_a_id in mine else record.city_b
                record.confirm(
                    by=request.user,
                    how=how,
                    outcome=outcome,
                    city=city,
                    date=form.cleaned_data["date"],
                    note=form.cleaned_data["note"],
                )
    except ValidationError as error:
        messages.error(
            request,
            _("Nothing was changed: %(record)s: %(problem)s")
            % {"record": record, "problem": " ".join(error.messages)},
        )
        return HttpResponseRedirect(request.get_full_path())
    messages.success(
        request,
        ngettext(
            "%(count)d partnership recorded as %(outcome)s.",
            "%(count)d partnerships recorded as %(outcome)s.",
            len(records),
        )
        % {"count": len(records), "outcome": ConfirmationOutcome(outcome).label},
    )
    return HttpResponseRedirect(request.get_full_path())
