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
- the same rules hold for every way into a record: its change page, the history "revert"
  form, inline rows (a published row inside an editable parent is read-only), actions,
  autocomplete and imports (curators only);
- a forged address or form for anything else is a 404 or a 403, and changes nothing.

Every form of every role also carries the version of the record it was opened on: saving over
somebody else's newer change is refused (optimistic locking), whoever saves.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from publishing.publication import PublicationState

from .access import city_ids, involving, is_curator
from .autocomplete import GuardedAutocompleteAdmin

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


def model_admin_for(model: type[models.Model]) -> Any:
    """The registered admin of ``model``, or None."""
    return admin.site.get_model_admin(model) if admin.site.is_registered(model) else None


def visible_choices(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> None:
    """A foreign key offers only what the user may see (drafts of other cities are not)."""
    related_admin = model_admin_for(db_field.related_model)
    if isinstance(related_admin, ScopedAdmin) and "queryset" not in kwargs:
        kwargs["queryset"] = related_admin.get_queryset(request)


def may_edit_record(request: HttpRequest, obj: Any) -> bool:
    """What the user may do with one stored record, asked of the admin that owns its model.

    Records without an admin of their own (a city's names, a partnership's life cycle) are
    edited only with their parent, whose admin has already answered."""
    record_admin = model_admin_for(type(obj))
    if isinstance(record_admin, ScopedAdmin):
        return record_admin.may_edit(request, obj)
    return True


def visible_citations(request: HttpRequest) -> QuerySet:
    """The citations of every record the user may see in the admin (not others' drafts)."""
    citation = apps.get_model("cities", "Citation")
    condition = Q(pk__in=[])
    for model in apps.get_models():
        record_admin = model_admin_for(model)
        if not isinstance(record_admin, ScopedAdmin) or model._meta.label in CITATION_MODELS:
            continue
        content_type = ContentType.objects.get_for_model(model)
        seen = record_admin.get_queryset(request).values("pk")
        condition |= Q(content_type=content_type, object_id__in=seen)
        if hasattr(model._default_manager, "published"):
            public = model._default_manager.published().values("pk")
            condition |= Q(content_type=content_type, object_id__in=public)
    return citation._default_manager.filter(condition)


CITATION_MODELS = ("cities.Source", "cities.Citation")


# -- optimistic locking -------------------------------------------------------------------------

VERSION_FIELD = "record_version"


def stored_version(model: type[models.Model], pk: Any, lock: bool = False) -> str:
    """A fingerprint of the record as stored now: any saved change gives another one."""
    columns = [field.attname for field in model._meta.concrete_fields]
    rows = model._default_manager.filter(pk=pk)
    if lock and transaction.get_connection(router.db_for_write(model)).in_atomic_block:
        rows = rows.select_for_update()
    row = rows.values_list(*columns).first()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:20]


def last_changed_by(obj: Any) -> str:
    history = getattr(type(obj), "history", None)
    if history is None:
        return ""
    last = history.filter(id=obj.pk).select_related("history_user").order_by("-history_id").first()
    user = getattr(last, "history_user", None)
    return str(user.get_username()) if user else ""


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change made since the form was opened (two editors at once)."""

    record_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            opened_on = stored_version(type(self.instance), self.instance.pk)
            self.fields[VERSION_FIELD].initial = opened_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is None:
            return cleaned
        opened_on = cleaned.get(VERSION_FIELD) or ""
        if opened_on != stored_version(type(self.instance), self.instance.pk, lock=True):
            who = last_changed_by(self.instance)
            raise forms.ValidationError(
                _(
                    "This record was changed by %(who)s after you opened it. Your changes "
                    "were not saved: open the record again to see theirs, then redo yours."
                ),
                params={"who": who or _("someone else")},
                code="stale_record",
            )
        return cleaned


class ScopedAdmin(GuardedAutocompleteAdmin, SimpleHistoryAdmin):
    city_lookups: tuple[str, ...] = ()
    # Reference data everyone sees (cities): the lookups then only limit what editors change.
    editor_sees_all = False
    # Neither bound to cities nor publishable, but narrowed by ``editor_filter`` (sources).
    editor_scoped = False

    # -- what an editor sees ------------------------------------------------------------------

    def editor_filter(self, request: HttpRequest) -> Q:
        if self.city_lookups:
            return involving(self.city_lookups, city_ids(request.user))
        if hasattr(self.model, "publication_state"):
            written = self.model.history.filter(history_type="+", history_user=request.user).values(
                "id"
            )
            return self.model._default_manager.published_q() | Q(pk__in=written)
        return Q()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if (
            is_curator(request.user)
            or self.editor_sees_all
            or not (self.city_lookups or self.is_publishable or self.editor_scoped)
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

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        """The "revert to this version" form: the record as it is *now* decides, as on its
        change page (an old draft version of a published record is no way around review)."""
        current = self.get_object(request, object_id)
        if not self.has_view_or_change_permission(request, current):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied
        # simple-history reads ``prepopulated_fields`` itself: give it this user's, which
        # leave out the fields they only read (a city's slug for an editor).
        for_user = copy.copy(self)
        readonly = set(self.get_readonly_fields(request, current))
        for_user.prepopulated_fields = {
            field: sources
            for field, sources in self.get_prepopulated_fields(request, current).items()
            if field not in readonly
        }
        request._reverting_from = current  # type: ignore[attr-defined]
        with transaction.atomic(using=router.db_for_write(self.model)):
            return SimpleHistoryAdmin.history_form_view(
                for_user, request, object_id, version_id, extra_context
            )

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.pk is not None:
            obj = self.model._default_manager.filter(pk=obj.pk).first() or obj
        return bool(super().has_change_history_permission(request, obj))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        """Every change form carries the version it was opened on, as a hidden field."""
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and fieldsets:
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
        return fieldsets

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
        if "form" not in kwargs:
            kwargs["form"] = type(self.form.__name__, (VersionedForm, self.form), {})
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
        current = getattr(request, "_reverting_from", None)
        if current is not None:
            # A revert restores what its form shows, and only that: the fields the user only
            # reads (a city's reference data for an editor, the first-published time) stay as
            # they are now, not as they were in the old version.
            for field in self.model._meta.concrete_fields:
                if field.name not in form.fields and not field.primary_key:
                    setattr(obj, field.attname, getattr(current, field.attname))
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


class ScopedInline(GuardedAutocompleteAdmin):
    """Inlines are edited with their parent, and each row is asked on its own.

    A row the user may not edit by itself (for an editor: a published agreement, meeting or
    network membership) is shown with every field disabled and cannot be deleted: the browser
    may submit anything for it, the stored values are kept."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self.parent_editable(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self.parent_editable(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self.parent_editable(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not is_curator(request.user):
            visible_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "publication_state" and not is_curator(request.user):
            kwargs["choices"] = editor_state_choices()
        return super().formfield_for_choice_field(db_field, request, **kwargs)  # type: ignore[misc]

    def parent_editable(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or is_curator(request.user):
            return True
        parent_admin = model_admin_for(type(obj))
        return parent_admin is None or parent_admin.has_change_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """The rows an editor may see: not another city's draft membership on a city page,
        nor a position at a draft organisation on a published person's page."""
        rows = super().get_queryset(request)  # type: ignore[misc]
        if is_curator(request.user):
            return rows
        model = rows.model
        own_admin = model_admin_for(model)
        if isinstance(own_admin, ScopedAdmin):
            rows = rows.filter(pk__in=own_admin.get_queryset(request).values("pk"))
        for field in model._meta.get_fields():
            if not (field.many_to_one and field.concrete):
                continue
            target_admin = model_admin_for(field.related_model)
            if isinstance(target_admin, ScopedAdmin) and (
                target_admin.city_lookups or target_admin.is_publishable
            ):
                seen = target_admin.get_queryset(request).values("pk")
                rows = rows.filter(
                    Q(**{f"{field.name}__isnull": True}) | Q(**{f"{field.name}__in": seen})
                )
        return rows

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset_class = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        if is_curator(request.user):
            return formset_class

        class RowCheckedFormSet(formset_class):  # type: ignore[valid-type, misc]
            def add_fields(self, form: Any, index: Any) -> None:
                super().add_fields(form, index)
                row = form.instance
                if row.pk is not None and not may_edit_record(request, row):
                    lock_row(form)

        return RowCheckedFormSet


def lock_row(form: Any) -> None:
    """Every field of an inline row disabled: Django then keeps the stored values."""
    for name, field in form.fields.items():
        field.disabled = True
        if name == "publication_state":
            field.choices = PublicationState.choices
