"""The curators' review queue and the recovery of deleted records, in the admin."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from publishing.publication import PublicationState, Publishable

from .access import is_curator

RESTORE_WINDOW = datetime.timedelta(seconds=10)


def publishable_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and admin.site.is_registered(model)
    ]


def history_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "history") and admin.site.is_registered(model)
    ]


def awaiting_review(model: type[models.Model]) -> models.QuerySet[Any]:
    """The model's records waiting for review (``PublishableQuerySet.awaiting_review``)."""
    manager: Any = model._default_manager  # a publishable model's, by publishable_models()
    return manager.awaiting_review()


def curator_only(request: HttpRequest) -> None:
    if not is_curator(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    """Every record submitted for review, with who submitted it and when; publish or return."""
    curator_only(request)
    if request.method == "POST":
        return decide(request)
    groups = []
    for model in publishable_models():
        waiting = list(awaiting_review(model))
        if not waiting:
            continue
        submissions: dict[int, Any] = {}
        for record in (
            model.history.filter(  # type: ignore[attr-defined]
                id__in=[item.pk for item in waiting],
                publication_state=PublicationState.IN_REVIEW,
            )
            .select_related("history_user")
            .order_by("history_date")
        ):
            submissions.setdefault(record.id, record)
        groups.append(
            {
                "label": model._meta.verbose_name_plural,
                "model": model._meta.label,
                "rows": [
                    {
                        "record": item,
                        "submission": submissions.get(item.pk),
                        "url": reverse(
                            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                            args=[item.pk],
                        ),
                    }
                    for item in waiting
                ],
            }
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Review queue"),
        "groups": groups,
    }
    return TemplateResponse(request, "admin/editors/review_queue.html", context)


def decide(request: HttpRequest) -> HttpResponse:
    label = request.POST.get("model", "")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise PermissionDenied from None
    if model not in publishable_models():
        raise PermissionDenied
    record = awaiting_review(model).filter(pk=request.POST.get("pk")).first()
    decision = request.POST.get("decision")
    if record is None or decision not in ("publish", "return"):
        messages.error(request, _("This record is no longer waiting for review."))
    else:
        record.publication_state = (
            PublicationState.PUBLISHED if decision == "publish" else PublicationState.DRAFT
        )
        record.save()
        messages.success(
            request,
            (
                _("Published: %(record)s")
                if decision == "publish"
                else _("Returned to draft: %(record)s")
            )
            % {"record": record},
        )
    return HttpResponseRedirect(reverse("admin:review-queue"))


@require_http_methods(["GET", "POST"])
def deleted_records(request: HttpRequest) -> HttpResponse:
    """Records deleted in the admin, from their history; a curator restores them."""
    curator_only(request)
    if request.method == "POST":
        return restore(request)
    groups = []
    for model in history_models():
        history = model.history  # type: ignore[attr-defined]
        gone = (
            history.filter(history_type="-")
            .exclude(id__in=model._default_manager.values("pk"))
            .select_related("history_user")
            .order_by("-history_date")[:100]
        )
        rows = list(gone)
        if rows:
            groups.append(
                {"label": model._meta.verbose_name_plural, "model": model._meta.label, "rows": rows}
            )
    context = {**admin.site.each_context(request), "title": _("Deleted records"), "groups": groups}
    return TemplateResponse(request, "admin/editors/deleted_records.html", context)


def restore(request: HttpRequest) -> HttpResponse:
    try:
        model = apps.get_model(request.POST.get("model", ""))
    except (LookupError, ValueError):
        raise PermissionDenied from None
    if model not in history_models():
        raise PermissionDenied
    deletion = model.history.filter(
        history_id=request.POST.get("history_id"), history_type="-"
    ).first()
    if deletion is None or model._default_manager.filter(pk=deletion.id).exists():
        messages.error(request, _("This record is not deleted, or was restored already."))
        return HttpResponseRedirect(reverse("admin:deleted-records"))
    try:
        with transaction.atomic():
            record = deletion.instance
            record.save()
            restore_attached(record, deletion.history_date)
    except IntegrityError:
        messages.error(
            request,
            _("%(record)s refers to a record that is deleted too: restore that one first.")
            % {"record": deletion.instance},
        )
    else:
        messages.success(request, _("Restored: %(record)s") % {"record": record})
    return HttpResponseRedirect(reverse("admin:deleted-records"))


def restore_attached(record: models.Model, when: datetime.datetime) -> None:
    """The citations and themes deleted with a record come back with it."""
    content_type = ContentType.objects.get_for_model(record)
    for label in ("cities.Citation", "agreements.ThemedItem"):
        attached = apps.get_model(label)
        for gone in attached.history.filter(
            history_type="-",
            content_type_id=content_type.pk,
            object_id=record.pk,
            history_date__range=(when - RESTORE_WINDOW, when + RESTORE_WINDOW),
        ):
            if not attached._default_manager.filter(pk=gone.id).exists():
                gone.instance.save()
