"""Admin building blocks shared by both apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from editors.access import is_curator
from editors.admin_tools import ScopedAdmin
from publishing.publication import PublicationState

from .normalise import search_key

PUBLICATION_FIELDSET: Any = (
    _("Publication"),
    {"fields": ("publication_state", "published_at", "created_at", "updated_at")},
)
PUBLICATION_READONLY = ("published_at", "created_at", "updated_at")


class NormalisedSearchMixin:
    """Search that ignores case, accents and letter variants.

    ``normalised_search_fields`` name ``search_key`` columns: "firenze", "FIRENZÉ" and
    "فلورانس" all find Florence, in changelists and in autocomplete widgets alike.
    """

    normalised_search_fields: tuple[str, ...] = ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        result, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        key = search_key(search_term)
        if not key or not self.normalised_search_fields:
            return result, may_have_duplicates
        condition = Q()
        for field in self.normalised_search_fields:
            condition |= Q(**{f"{field}__contains": key})
        return result | queryset.filter(condition), True


class BaseAdmin(ScopedAdmin):
    """Every admin of the project: history with revert, and city editors' scope."""

    # Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class PublishableAdmin(BaseAdmin):
    """Changelists of editorial records: facet counts, state filter and state actions."""

    show_facets = admin.ShowFacets.ALWAYS
    readonly_fields = PUBLICATION_READONLY
    actions = ["submit_for_review", "publish", "withdraw"]

    def _set_state(self, request: HttpRequest, queryset: QuerySet, state: str) -> None:
        if state not in (PublicationState.DRAFT, PublicationState.IN_REVIEW) and not is_curator(
            request.user
        ):
            raise PermissionDenied
        changed = 0
        for record in queryset.exclude(publication_state=state):
            if not self.has_change_permission(request, record) and not is_curator(request.user):
                continue  # an editor may submit only what they may still change
            record.publication_state = state
            record.save(update_fields=["publication_state", "published_at", "updated_at"])
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d record changed.", "%(count)d records changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Submit selected records for review"))
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, PublicationState.IN_REVIEW)

    @admin.action(description=_("Publish selected records"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, PublicationState.PUBLISHED)

    @admin.action(description=_("Withdraw selected records"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_state(request, queryset, PublicationState.WITHDRAWN)
