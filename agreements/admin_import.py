"""Bulk import in the admin: upload a file, preview the per-row report, confirm.

The preview is a dry run of the same service as ``manage.py import_partnerships``; the file
waits in the storage under a random token until the import is confirmed or abandoned.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from editors.access import is_curator

from . import admin_mapping as mapping
from .importing import PROFILES, import_partnerships

MAX_UPLOAD = 10 * 1024 * 1024
PREVIEW_ROWS = 500
MAPPED = "mapped"  # the third choice: a file of neither profile, its columns chosen next


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, with a header row."))
    profile = forms.ChoiceField(
        label=_("Profile"),
        choices=[
            ("twintowns-de", _("German municipal partnerships (TwinTowns)")),
            ("wikidata", _("Wikidata pairs: item_a, item_b, optional labels, start, end")),
            (MAPPED, _("Other file (choose the columns)")),
        ],
        help_text=_("For a file of another layout, choose its columns in the next step."),
    )
    publish = forms.BooleanField(
        label=_("Publish the imported partnerships"),
        required=False,
        help_text=_("Leave unticked to import them as drafts for review."),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB."), params={"limit": MAX_UPLOAD // 2**20}
            )
        try:
            text = str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it as CSV (UTF-8) and try again.")
            ) from None
        if "\x00" in text:  # valid UTF-8, but no text file holds a NUL
            raise forms.ValidationError(
                _("This is a binary file, not CSV text; save it as CSV (UTF-8) and try again."),
                code="binary",
            )
        return text


def stored_path(token: str, request: HttpRequest) -> str:
    """Where an upload waits for its confirmation: under its uploader, so that nobody else's
    confirmation can reach it."""
    if not token.isalnum():
        raise PermissionDenied
    return f"imports/{request.user.pk}-{token}.csv"


def may_import(request: HttpRequest) -> bool:
    """A bulk import creates cities and publishes or drafts any pair of any country: it is a
    curator's tool. City editors add their cities' partnerships one by one, for review."""
    return is_curator(request.user)


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not may_import(request):
        raise PermissionDenied
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import partnerships"),
    }
    if request.method == "POST" and "confirm" in request.POST:
        return confirm(model_admin, request)
    if request.method == "GET" and "report" in request.GET:
        return mapping.download_report(request)
    if request.method == "POST" and "mapping" in request.POST:
        return mapping.mapping_step(context, request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["profile"] == MAPPED:
        name = str(getattr(request.FILES.get("file"), "name", "upload.csv"))
        return mapping.uploaded(context, request, form, name)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        name = str(getattr(request.FILES.get("file"), "name", "upload.csv"))
        report = import_partnerships(text, form.cleaned_data["profile"], name, dry_run=True)
        token = secrets.token_hex(16)
        default_storage.save(stored_path(token, request), ContentFile(text.encode()))
        context.update(
            report=report,
            preview=report.outcomes[:PREVIEW_ROWS],
            token=token,
            name=name,
            profile=form.cleaned_data["profile"],
            publish=form.cleaned_data["publish"],
        )
    context["form"] = form
    # A refused upload for the mapping is a bad request, said so on the form (the profiles'
    # answer stays as it was).
    status = 400 if form.errors and request.POST.get("profile") == MAPPED else 200
    return TemplateResponse(
        request, "admin/agreements/partnership/import.html", context, status=status
    )


def confirm(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    profile = request.POST.get("profile", "")
    path = stored_path(token, request)
    if profile not in PROFILES or not default_storage.exists(path):
        messages.error(
            request, _("This import has expired or was already done: upload the file again.")
        )
        return HttpResponseRedirect(reverse("admin:agreements_partnership_import"))
    with default_storage.open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    report = import_partnerships(
        text,
        profile,
        request.POST.get("name", "upload.csv"),
        publish=request.POST.get("publish") == "on",
    )
    default_storage.delete(path)
    counts = report.counts
    messages.success(
        request,
        _(
            "Imported %(imported)d partnerships, merged %(merged)d with ones already recorded, "
            "rejected %(rejected)d rows; %(cities)d cities created."
        )
        % {
            "imported": counts["imported"],
            "merged": counts["merged"],
            "rejected": counts["rejected"],
            "cities": report.cities_created,
        },
    )
    return HttpResponseRedirect(reverse("admin:agreements_partnership_changelist"))
