"""The admin side of merging duplicates (``agreements.merging``): the action "Merge the two
selected …" on the city and partnership changelists, the preview screen where the curator
chooses the record kept, and the list of merges with their "Revert merge" screen.

Curators only: the action is offered to no one else, and both screens answer a city editor's
or a forged request with a 403. The city admin (``cities``, which knows nothing of
partnerships) gets the action here, by registering a subclass of its admin.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import BadRequest, PermissionDenied
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
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.models import City
from editors.access import is_curator

from .merging import MergeError, merge, revert, revert_blocker
from .models import MergeLog, Partnership

HIDDEN_FIELDS = {"id", "search_key", "search_keys"}


def merge_url(model: type[models.Model]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_merge")


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
        view = self.admin_site.admin_view(partial(merge_view, self))
        name = f"{self.opts.app_label}_{self.opts.model_name}_merge"
        return [path("merge/", view, name=name), *super().get_urls()]  # type: ignore[misc]


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
    if column.choices:
        return str(getattr(record, f"get_{column.name}_display")())
    return str(value)


def field_rows(kept: models.Model, removed: models.Model) -> list[dict[str, Any]]:
    rows = []
    for column in kept._meta.concrete_fields:
        if column.name in HIDDEN_FIELDS:
            continue
        left, right = shown_value(kept, column), shown_value(removed, column)
        rows.append(
            {"label": column.verbose_name, "kept": left, "removed": right, "differ": left != right}
        )
    return rows


ACTIONS = {
    "moved": gettext_lazy("moves to the record kept"),
    "merged": gettext_lazy("is the same as one of the record kept: merged into it"),
    "created": gettext_lazy("added to the record kept"),
    "updated": gettext_lazy("updated"),
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
    if request.method == "POST" and data.get("merge"):
        try:
            result = merge(kept, removed, request.user)
        except MergeError as error:
            messages.error(request, _("Nothing was merged: %(problem)s") % {"problem": error})
            status = 400
        else:
            log: Any = result.log
            revert_at = reverse("admin:agreements_mergelog_revert", args=[log.pk])
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
        "fields": field_rows(kept, removed),
        "groups": [
            (group, [(step, ACTIONS.get(step.action, step.action)) for step in steps])
            for group, steps in (result.grouped() if result else [])
        ],
        "blockers": result.blockers if result else [],
        "error": error,
        "is_city": model is City,
    }
    return TemplateResponse(request, "admin/merge/merge.html", context, status=status)


class MergeLogAdmin(admin.ModelAdmin):
    """Every merge, with what moved; curators revert one from here."""

    list_display = ["__str__", "model", "created_at", "created_by", "reverted_at", "revert_link"]
    list_filter = ["model"]
    search_fields = ["survivor_label", "removed_label", "removed_slug"]
    fields = [
        "model",
        "survivor_label",
        "survivor_id",
        "removed_label",
        "removed_id",
        "removed_slug",
        "removed_data",
        "moved",
        "parent",
        "created_at",
        "created_by",
        "reverted_at",
        "reverted_by",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MergeLog]:
        return super().get_queryset(request).select_related("created_by")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_curator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("revert"))
    def revert_link(self, log: MergeLog) -> str:
        if log.parent_id or log.reverted_at:
            return ""
        url = reverse("admin:agreements_mergelog_revert", args=[log.pk])
        return format_html('<a href="{}">{}</a>', url, _("Revert merge"))

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(partial(revert_view, self))
        return [
            path("<int:pk>/revert/", view, name="agreements_mergelog_revert"),
            *super().get_urls(),
        ]


def revert_view(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if not is_curator(request.user):
        raise PermissionDenied
    log = MergeLog.objects.filter(pk=pk).first()
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
        "opts": MergeLog._meta,
        "log": log,
        "nested": list(log.nested.all()),
        "moved": sorted((key, len(ids)) for key, ids in log.moved.items()),
        "blocker": revert_blocker(log),
    }
    return TemplateResponse(request, "admin/merge/revert.html", context, status=status)


def register(site: admin.AdminSite = admin.site) -> None:
    """The merge action on the city and partnership admins, and the list of merges."""
    for model in (City, Partnership):
        current = type(site.get_model_admin(model))
        if issubclass(current, MergeAdminMixin):
            continue
        site.unregister(model)
        site.register(model, type(current.__name__, (MergeAdminMixin, current), {}))
    if not site.is_registered(MergeLog):
        site.register(MergeLog, MergeLogAdmin)
