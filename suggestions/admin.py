"""The review queue of suggestions from the public: curators see all; a city editor sees
those about their cities, and nothing of the others (not even that they exist)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from editors.access import city_ids, is_curator
from editors.autocomplete import GuardedAutocompleteAdmin

from . import services
from .models import Suggestion
from .notify import sender_told


def a_number(object_id: str) -> bool:
    """Digits 0-9 only: str.isdigit() also takes "²", which no primary key lookup takes."""
    return object_id.isascii() and object_id.isdigit()


class StatusFilter(admin.SimpleListFilter):
    """Waiting for review by default: the queue is what is left to do."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return [*Suggestion.Status.choices, ("all", gettext_lazy("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value() or Suggestion.Status.NEW
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist: Any) -> Any:
        current = self.value() or Suggestion.Status.NEW
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


@admin.register(Suggestion)
class SuggestionAdmin(GuardedAutocompleteAdmin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "created_at", "language"]
    list_filter = [StatusFilter, "kind"]
    search_fields = ["record_label", "city_name", "partner_name", "proposed"]
    date_hierarchy = None
    change_form_template = "suggestions/admin_change_form.html"
    autocomplete_fields = ["city", "partner"]
    fieldsets = [
        (gettext_lazy("Suggestion"), {"fields": ["kind", "status", "created_at", "language"]}),
        (
            gettext_lazy("Record"),
            {"fields": ["record_link", "field", "proposed", "source"]},
        ),
        (
            gettext_lazy("New partnership"),
            {
                "fields": [
                    "city_name",
                    "city",
                    "partner_name",
                    "partner",
                    "partnership_kind",
                    "established",
                ]
            },
        ),
        (gettext_lazy("Sender"), {"fields": ["name", "email"]}),
        (
            gettext_lazy("Decision"),
            {"fields": ["decided_at", "decided_by", "reason", "draft_source", "draft_partnership"]},
        ),
    ]
    # Everything is the sender's word or the decision's record; a curator may only match the
    # typed cities of a new partnership to the directory's.
    MATCHABLE = ("city", "partner")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        suggestions: Any = super().get_queryset(request).select_related("content_type")
        if is_curator(request.user):
            return suggestions
        return suggestions.concerning(city_ids(request.user))

    def reviewer(self, request: HttpRequest) -> bool:
        """Whose role gives the suggestions' permission, and who reviews some: a curator, or
        an editor of at least one city."""
        user: Any = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user.has_perm("suggestions.view_suggestion")
            and (is_curator(user) or city_ids(user))
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.reviewer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.reviewer(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            is_curator(request.user)
            and super().has_change_permission(request, obj)
            and (obj is None or obj.status == Suggestion.Status.NEW)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        everything = [name for _label, options in self.fieldsets for name in options["fields"]]
        matchable = obj is not None and obj.kind == Suggestion.Kind.PARTNERSHIP
        return [name for name in everything if not (matchable and name in self.MATCHABLE)]

    @admin.display(description=gettext_lazy("record"))
    def record_link(self, obj: Suggestion) -> str:
        return obj.record_label

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The matched cities are the ones whose editors review it.
        obj.cities.set([city.pk for city in (obj.city, obj.partner) if city is not None])

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/accept/",
                wrap(require_POST(self.accept_view)),
                name="suggestions_suggestion_accept",
            ),
            path(
                "<path:object_id>/decline/",
                wrap(require_POST(self.decline_view)),
                name="suggestions_suggestion_decline",
            ),
            *super().get_urls(),
        ]

    def in_scope(self, request: HttpRequest, object_id: str) -> Suggestion:
        """The suggestion, locked, if this reviewer may see it; else 404, as for one that
        does not exist (an editor of another city learns nothing)."""
        if not self.reviewer(request) or not a_number(object_id):
            raise Http404
        found = self.get_queryset(request).filter(pk=object_id).values_list("pk", flat=True)
        if not found:
            raise Http404
        return Suggestion.objects.select_for_update().get(pk=found[0])

    def back(self, suggestion: Suggestion) -> HttpResponse:
        return HttpResponseRedirect(
            reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
        )

    def accept_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        with transaction.atomic():
            suggestion = self.in_scope(request, object_id)
            try:
                services.accept(suggestion, request.user)
            except services.CannotAccept as problem:
                messages.error(request, str(problem))
                return self.back(suggestion)
        sender_told(suggestion)
        if suggestion.draft_partnership is not None:
            messages.success(request, _("Accepted: a draft partnership was created."))
            return HttpResponseRedirect(
                reverse(
                    "admin:agreements_partnership_change", args=[suggestion.draft_partnership.pk]
                )
            )
        messages.success(
            request,
            _("Accepted as a draft correction: apply it in the record's page, then submit it."),
        )
        return self.back(suggestion)

    def decline_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        reason = request.POST.get("reason", "").strip()[:2000]
        with transaction.atomic():
            suggestion = self.in_scope(request, object_id)
            if not reason:
                messages.error(request, _("Give a reason for declining."))
                return self.back(suggestion)
            try:
                services.decline(suggestion, request.user, reason)
            except services.CannotAccept as problem:
                messages.error(request, str(problem))
                return self.back(suggestion)
        sender_told(suggestion)
        messages.success(request, _("Declined."))
        return self.back(suggestion)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra = {**(extra_context or {})}
        suggestion = None
        if a_number(object_id):
            suggestion = self.get_queryset(request).filter(pk=object_id).first()
        if suggestion is not None:
            extra["suggestion"] = suggestion
            extra["record_admin_url"] = self.record_admin_url(suggestion)
        return super().change_view(request, object_id, form_url, extra)

    def record_admin_url(self, suggestion: Suggestion) -> str:
        if suggestion.content_type is None or suggestion.object_id is None:
            return ""
        model = suggestion.content_type.model_class()
        if model is None or not self.admin_site.is_registered(model):
            return ""
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}_change"
        return reverse(name, args=[suggestion.object_id])
