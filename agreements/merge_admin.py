"""The admin side of merging duplicates (``agreements.merging``): the action "Merge the two
selected …" on the city and partnership changelists, the preview screen where the curator
chooses the record kept, the list of merges of each and their "Revert merge" screen (also
offered on the page of the record kept).

Curators only: the action is offered to no one else, and both screens answer a city editor's
or a forged request with a 403. The city admin (``cities``, which knows nothing of
partnerships) gets the action here, by registering a subclass of its admin.
"""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import InvalidPage, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.models import City
from editors.access import is_curator

from .merging import MergeError, merge, revert, revert_blocker, takeable_fields
from .models import MergeLog, Partnership

HIDDEN_FIELDS = {"id", "search_key", "search_keys"}


def merge_url(model: type[models.Model], view: str = "merge") -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def revert_url(log: MergeLog) -> str:
    app_label, model_name = log.model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_merge_revert", args=[log.pk])


def standing_merges(model: type[models.Model]) -> QuerySet[MergeLog]:
    """The merges of ``model`` made by a curator (not on the way) and not reverted."""
    return MergeLog.objects.filter(
        model=model._meta.label_lower, parent=None, reverted_at=None
    ).order_by("-pk")


def merge_selected(model_admin: Any, request: HttpRequest, queryset: QuerySet) -> Any:
    if not is_curator(request.user):
        raise PermissionDenied
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])
    if len(ids) != 2:
        model_admin.message_user(
            request, _("Select exactly two records to merge them."), messages.ERROR
        )
        return None
    return HttpResponseRedirect(f"{merge_url(queryset.model)}?ids={ids[0]},{ids[1]}")


class MergeAdminMixin:
    """Adds the merge action and screen to a city or partnership admin."""

    admin_site: Any
    opts: Any

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        if is_curator(request.user):
            description = gettext_lazy("Merge the two selected %(verbose_name_plural)s")
            actions["merge_selected"] = (merge_selected, "merge_selected", description)
        return actions

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("merge/", wrap(partial(merge_view, self)), name=f"{name}_merge"),
            path("merges/", wrap(partial(merges_view, self)), name=f"{name}_merges"),
            path(
                "merges/<int:pk>/revert/",
                wrap(partial(revert_view, self)),
                name=f"{name}_merge_revert",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra_context = {**(extra_context or {}), "may_merge": is_curator(request.user)}
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        """A record that others were merged into says so, each with its "Revert merge"."""
        if request.method == "GET" and is_curator(request.user) and object_id.isdecimal():
            for log in standing_merges(self.opts.model).filter(survivor_id=int(object_id)):
                messages.info(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("%(removed)s was merged into this record on %(when)s.")
                        % {
                            "removed": log.removed_label,
                            "when": date_format(log.created_at, "DATETIME_FORMAT"),
                        },
                        revert_url(log),
                        _("Revert merge"),
                    ),
                )
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]


def requested_pair(request: HttpRequest, data: Any) -> tuple[int, int]:
    try:
        ids = [int(value) for value in data.get("ids", "").split(",")]
    except ValueError:
        raise BadRequest(_("Two records are named by their numbers.")) from None
    if len(ids) != 2 or len(set(ids)) != 2 or not all(0 < pk < 2**63 for pk in ids):
        raise BadRequest(_("Two records are named by their numbers."))
    return ids[0], ids[1]


def shown_value(record: models.Model, column: Any) -> str:
    value = getattr(record, column.name)
    if value in (None, ""):
        return "—"
    if hasattr(record, f"{column.name}_when"):  # a partial date: at its precision
        when = getattr(record, f"{column.name}_when")
        return f"{when} ({when.as_written})" if when.as_written else str(when)
    if column.choices:
        return str(getattr(record, f"get_{column.name}_display")())
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def field_rows(kept: models.Model, removed: models.Model, taken: list[str]) -> list[dict[str, Any]]:
    """The two records side by side; where they differ in a field the record kept may take
    from the removed one (``takeable_fields``), a box to take it, ticked as posted."""
    takeable = set(takeable_fields(type(kept)))
    rows = []
    names = {column.name for column in kept._meta.concrete_fields}
    for column in kept._meta.concrete_fields:
        base = column.name.removesuffix("_precision").removesuffix("_as_written")
        if column.name in HIDDEN_FIELDS or (base != column.name and base in names):
            continue  # a partial date's precision and text are shown with its date
        left, right = shown_value(kept, column), shown_value(removed, column)
        differ = left != right
        rows.append(
            {
                "name": column.name,
                "label": column.verbose_name,
                "kept": left,
                "removed": right,
                "differ": differ,
                "takeable": differ and column.name in takeable,
                "taken": column.name in taken,
            }
        )
    return rows


ACTIONS = {
    "moved": gettext_lazy("moves to the record kept"),
    "merged": gettext_lazy("is the same as one of the record kept: merged into it"),
    "created": gettext_lazy("added to the record kept"),
    "updated": gettext_lazy("updated"),
    "renamed": gettext_lazy("a new address; the old one leads to it"),
}


def merge_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if not is_curator(request.user):
        raise PermissionDenied
    model = model_admin.model
    data = request.POST if request.method == "POST" else request.GET
    first, second = requested_pair(request, data)
    found = model_admin.get_queryset(request).filter(pk__in=[first, second])
    records = {record.pk: record for record in found}
    if len(records) != 2:
        raise Http404(_("One of the two records does not exist."))
    kept_id = data.get("kept") or str(first)
    if kept_id not in (str(first), str(second)):
        raise BadRequest(_("The record kept is one of the two."))
    kept = records[int(kept_id)]
    removed = records[second if kept.pk == first else first]
    status = 200
    taken = data.getlist("take")
    if request.method == "POST" and data.get("merge"):
        try:
            done = merge(kept, removed, request.user, take=taken)
        except MergeError as refusal:
            messages.error(request, _("Nothing was merged: %(problem)s") % {"problem": refusal})
            status = 400
        else:
            log: Any = done.log
            revert_at = revert_url(log)
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("%(removed)s was merged into %(kept)s.")
                    % {"removed": log.removed_label, "kept": kept},
                    revert_at,
                    _("Revert merge"),
                ),
            )
            opts = model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[kept.pk])
            )
    error = ""
    result = None
    try:
        result = merge(kept, removed, request.user, preview=True)
    except MergeError as problem:
        error = str(problem)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Merge two %(records)s") % {"records": model._meta.verbose_name_plural},
        "opts": model._meta,
        "ids": f"{first},{second}",
        "choices": [records[first], records[second]],
        "kept": kept,
        "removed": removed,
        "fields": field_rows(kept, removed, taken),
        "groups": [
            (group, [(step, ACTIONS.get(step.action, step.action)) for step in steps])
            for group, steps in (result.grouped() if result else [])
        ],
        "blockers": result.blockers if result else [],
        "error": error,
        "is_city": model is City,
    }
    return TemplateResponse(request, "admin/merge/merge.html", context, status=status)


def merges_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """The merges of this kind of record, the latest first, each with its revert."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if not is_curator(request.user):
        raise PermissionDenied
    model = model_admin.model
    logs = MergeLog.objects.filter(model=model._meta.label_lower, parent=None).select_related(
        "created_by", "reverted_by"
    )
    try:
        page = Paginator(logs.order_by("-pk"), 50).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404(_("There is no such page.")) from None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Merges of %(records)s") % {"records": model._meta.verbose_name_plural},
        "opts": model._meta,
        "page": page,
        "rows": [(log, revert_url(log)) for log in page.object_list],
    }
    return TemplateResponse(request, "admin/merge/merges.html", context)


def revert_view(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if not is_curator(request.user):
        raise PermissionDenied
    log = MergeLog.objects.filter(pk=pk, model=model_admin.model._meta.label_lower).first()
    if log is None:
        raise Http404(_("There is no such merge."))
    status = 200
    if request.method == "POST":
        try:
            revert(log, request.user)
        except MergeError as error:
            messages.error(request, _("Nothing was reverted: %(problem)s") % {"problem": error})
            status = 400
        else:
            messages.success(
                request,
                _("The merge was reverted: %(removed)s is back.") % {"removed": log.removed_label},
            )
            app_label, model_name = log.model.split(".")
            return HttpResponseRedirect(
                reverse(f"admin:{app_label}_{model_name}_change", args=[log.removed_id])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Revert merge"),
        "opts": model_admin.model._meta,
        "log": log,
        "nested": [
            record for record in log.nested.all() if record.removed_id != record.survivor_id
        ],
        "readdressed": [
            record for record in log.nested.all() if record.removed_id == record.survivor_id
        ],
        "moved": sorted((key, len(ids)) for key, ids in log.moved.items()),
        "blocker": revert_blocker(log),
    }
    return TemplateResponse(request, "admin/merge/revert.html", context, status=status)


def register(site: admin.AdminSite = admin.site) -> None:
    """The merge action and screens on the city and partnership admins."""
    for model in (City, Partnership):
        current = type(site.get_model_admin(model))
        if issubclass(current, MergeAdminMixin):
            continue
        site.unregister(model)
        site.register(model, type(current.__name__, (MergeAdminMixin, current), {}))
