"""Admin building blocks shared by both apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from editors.access import is_curator
from editors.admin_tools import ScopedAdmin
from publishing.publication import PublicationState

from .models import City
from .normalise import search_key

PUBLICATION_FIELDSET: Any = (
    _("Publication"),
    {"fields": ("publication_state", "published_at", "created_at", "updated_at")},
)
PUBLICATION_READONLY = ("published_at", "created_at", "updated_at")


CITY_IDS_INLINE = 2000


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
        # A city's names ("city_a__search_key" with "city_a__names__search_key") are asked
        # as one semi-join on the cities that match (City.objects.matching, as the public
        # search): joining every partnership with both cities' names and removing the
        # duplicates took a minute for "berlin" at 200,000 partnerships.
        names = "names__search_key"
        cities = [
            field[: -len(names)] for field in self.normalised_search_fields if field.endswith(names)
        ]
        # Their ids as a list when they are few (the usual case): PostgreSQL then reads the
        # indexes of the city columns, where the subquery, badly estimated, made it read
        # every partnership (0.3 s).
        ids = City.objects.matching_ids(search_term, CITY_IDS_INLINE + 1)
        matching: Any = (
            ids if len(ids) <= CITY_IDS_INLINE else City.objects.matching(search_term).values("pk")
        )
        condition = Q()
        for prefix in cities:
            condition |= Q(**{f"{prefix}pk__in" if not prefix else f"{prefix[:-2]}__in": matching})
        for field in self.normalised_search_fields:
            if not any(field in (f"{prefix}search_key", f"{prefix}{names}") for prefix in cities):
                condition |= Q(**{f"{field}__contains": key})
        return result | queryset.filter(condition), may_have_duplicates


class CountryListFilter(admin.SimpleListFilter):
    """Records of a country, asked through the queryset's ``in_country()`` (a partnership is
    in both its cities' countries): one box with the 250 countries as suggestions, where two
    half-filters (``city_a__country``, ``city_b__country``) listed some 250 links each and
    could not ask for "partnerships involving Italy"."""

    title = _("country")
    parameter_name = "country"
    template = "admin/country_filter.html"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(countries)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        code = (self.value() or "").strip().upper()
        if not code:
            return queryset
        if code not in countries:  # an unknown code selects nothing rather than everything
            return queryset.none()
        return queryset.in_country(code)  # type: ignore[attr-defined]  # Partnership, City

    def choices(self, changelist: Any) -> Any:
        # The changelist's other parameters, kept by the box's form (read by the template).
        self.hidden_params = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }


@admin.display(description=_("country"), ordering="country")
def country_name(record: Any) -> str:
    """A record's country in a changelist: its name, looked up alone. Django's display of a
    CountryField column builds the list of all 250 country names for every row (1 s for a
    page of 100 cities)."""
    return str(record.country.name)


class BaseAdmin(ScopedAdmin):
    """Every admin of the project: history with revert, and city editors' scope."""

    # Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj: Any) -> SafeString:
        """Django's row checkbox, written directly: Django renders a form widget through the
        template engine for each row, a quarter of a 100-row changelist's time (0.3 ms a
        row at 25,000 partnerships)."""
        label = format_html(gettext("Select this object for an action - {}"), obj)
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class PublishableAdmin(BaseAdmin):
    """Changelists of editorial records: facet counts, state filter and state actions."""

    # Counts beside each filter value on request ("Show counts"): at 200,000 partnerships
    # counting every value of every filter on each page cost seconds.
    show_facets = admin.ShowFacets.ALLOW
    # No second COUNT of the whole table under a filtered count ("N of 200,000").
    show_full_result_count = False
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
