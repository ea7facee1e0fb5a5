"""The admin as city editors see it: only the records that involve their cities.

Every ModelAdmin of the project builds on ``ScopedAdmin``. It declares ``city_lookups``, the
paths from its model to ``City`` (``("city_a", "city_b")`` for a partnership, ``("pk",)`` for a
city). For a curator nothing changes. For a city editor:

- changelists, change pages, history, autocomplete results and bulk actions see only the
  records that reach one of their cities (records bound to no city: the published ones and
  the drafts they wrote themselves);
- they change a record only while it is a draft or in review, and a record they save must
  still involve one of their cities;
- they may submit for review but not publish or withdraw;
- a forged address or form for anything else is a 404 or a 403, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from twinning.publication import PublicationState

from .access import city_ids, involving, is_curator

EDITOR_STATES = (PublicationState.DRAFT, PublicationState.IN_REVIEW)


def follow(value: Any, path: list[str]) -> set[int]:
    """The city ids reached from ``value`` (an instance, a queryset or a list) along ``path``."""
    if value is None:
        return set()
    if isinstance(value, models.Manager | QuerySet | list | tuple):
        found: set[int] = set()
        for item in value.all() if hasattr(value, "all") else value:
            found |= follow(item, path)
        return found
    if not path:
        return {value.pk} if isinstance(value, models.Model) else {int(value)}
    return follow(getattr(value, path[0], None), path[1:])


def editor_state_choices() -> list[tuple[str, Any]]:
    return [(v, label) for v, label in PublicationState.choices if v in EDITOR_STATES]


def visible_choices(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> None:
    """A foreign key offers only what the user may see (drafts of other cities are not)."""
    related_admin = admin.site._registry.get(db_field.related_model)
    if isinstance(related_admin, ScopedAdmin) and "queryset" not in kwargs:
        kwargs["queryset"] = related_admin.get_queryset(request)


class ScopedAdmin(SimpleHistoryAdmin):
    city_lookups: tuple[str, ...] = ()
    # Reference data everyone sees (cities): the lookups then only limit what editors change.
    editor_sees_all = False

    # -- what an editor sees ------------------------------------------------------------------

    def editor_filter(self, request: HttpRequest) -> Q:
        if self.city_lookups:
            return involving(self.city_lookups, city_ids(request.user))
        if hasattr(self.model, "publication_state"):
            written = self.model.history.filter(history_type="+", history_user=request.user).values(
                "id"
            )
            return Q(publication_state=PublicationState.PUBLISHED) | Q(pk__in=written)
        return Q()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if (
            is_curator(request.user)
            or self.editor_sees_all
            or not (self.city_lookups or self.is_publishable)
        ):
            return queryset
        visible = self.model._default_manager.filter(self.editor_filter(request)).values("pk")
        return queryset.filter(pk__in=visible)

    @property
    def is_publishable(self) -> bool:
        return hasattr(self.model, "publication_state")

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """A record outside what the user may see is not found, whatever its address."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("No record with this address, or not one of your cities'."))
        return obj

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if not is_curator(request.user):
            self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed or is_curator(request.user):
            return allowed
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    # -- what an editor may change ------------------------------------------------------------

    def may_edit(self, request: HttpRequest, obj: Any) -> bool:
        if is_curator(request.user):
            return True
        if self.is_publishable and obj.publication_state not in EDITOR_STATES:
            return False  # published or withdrawn: a curator's decision now
        if self.city_lookups:
            return bool(self.cities_of(obj) & city_ids(request.user))
        if self.is_publishable:
            return self.get_queryset(request).filter(pk=obj.pk).exists()
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return self.may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return self.may_edit(request, obj)

    def cities_of(self, obj: Any, data: dict[str, Any] | None = None) -> set[int]:
        """The cities a record involves; ``data`` (a form's cleaned data) wins over ``obj``."""
        found: set[int] = set()
        for lookup in self.city_lookups:
            if lookup == "pk":
                found |= {obj.pk} if obj.pk else set()
                continue
            first, *rest = lookup.split("__")
            if data is not None and first in data:
                value = data[first]
            elif obj.pk is None and isinstance(
                self.model._meta.get_field(first), models.ManyToManyField
            ):
                value = []
            else:
                value = getattr(obj, first, None)
            found |= follow(value, rest)
        return found

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if is_curator(request.user):
            return form_class
        model_admin = self

        class EditorForm(form_class):  # type: ignore[valid-type, misc]
            """Keeps a city editor's writes within their cities and out of publication."""

            def clean(self) -> dict[str, Any]:
                cleaned = super().clean() or {}
                if model_admin.city_lookups and not self.errors:
                    involved = model_admin.cities_of(self.instance, cleaned)
                    if not involved & city_ids(request.user):
                        raise forms.ValidationError(
                            _("This record must involve one of your cities."),
                            code="outside_editor_cities",
                        )
                return cleaned

        return EditorForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """The last guard, whatever the form: an editor never publishes nor leaves their
        cities."""
        editor = not is_curator(request.user)
        if editor and self.is_publishable and obj.publication_state not in EDITOR_STATES:
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not is_curator(request.user):
            visible_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "publication_state" and not is_curator(request.user):
            kwargs["choices"] = editor_state_choices()
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not is_curator(request.user):
            visible_choices(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # -- actions ------------------------------------------------------------------------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not is_curator(request.user):
            for name in ("publish", "withdraw", "delete_selected"):
                actions.pop(name, None)
        return actions


class ScopedInline:
    """Inlines are edited with their parent: they follow the parent's permission."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self.parent_editable(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.parent_editable(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self.parent_editable(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not is_curator(request.user):
            visible_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "publication_state" and not is_curator(request.user):
            kwargs["choices"] = editor_state_choices()
        return super().formfield_for_choice_field(db_field, request, **kwargs)  # type: ignore[misc]

    def parent_editable(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or is_curator(request.user):
            return True
        parent_admin = admin.site._registry.get(type(obj))
        return parent_admin is None or parent_admin.has_change_permission(request, obj)
