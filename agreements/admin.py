from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from cities.admin import CitationInline
from cities.admin_tools import (
    PUBLICATION_FIELDSET,
    BaseAdmin,
    CountryListFilter,
    NormalisedSearchMixin,
    PublishableAdmin,
    country_name,
)
from common.translation_admin import TranslatedFieldsAdmin, TranslatedWidgets
from common.widgets import PartialDateAdmin, PartialDateForm, decade_filter
from editors.admin_tools import ScopedInline

from .admin_claims import ClaimInline, prefer_view
from .admin_import import import_view, may_import
from .confirming import LastConfirmedListFilter, confirm_view
from .forms import PartnershipForm, themes_formfield
from .models import (
    Agreement,
    CulturalProject,
    Meeting,
    Organization,
    Participant,
    Partnership,
    Person,
    Position,
    Signatory,
    StatusChange,
    Theme,
)

# A record is found under any stored name of its partnership's cities.
PARTNERSHIP_CITY_SEARCH = (
    "partnership__city_a__search_key",
    "partnership__city_b__search_key",
    "partnership__city_a__names__search_key",
    "partnership__city_b__names__search_key",
)


class CuratedThemesAdmin:
    """Themes as a multiple choice from the curated vocabulary, with search."""

    admin_site: Any

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "themes":
            return themes_formfield(db_field, self.admin_site)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


@admin.register(Theme)
class ThemeAdmin(BaseAdmin):
    ordering = ["name", "pk"]  # the use count's GROUP BY drops the default ordering
    list_display = ["name", "slug", "use_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Theme]:
        return super().get_queryset(request).annotate(use_count=Count("items"))

    @admin.display(description=_("records"), ordering="use_count")
    def use_count(self, theme: Theme) -> int:
        return int(theme.use_count)


class PositionInline(ScopedInline, admin.TabularInline):
    model = Position
    form = PartialDateForm
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["title", "organization", "since", "until"]


@admin.register(Organization)
class OrganizationAdmin(NormalisedSearchMixin, PublishableAdmin):
    list_display = ["name", "native_name", "kind", "city", country_name, "publication_state"]
    list_filter = ["publication_state", "kind", "country"]
    list_select_related = ["city"]
    search_fields = ["name", "native_name"]
    normalised_search_fields = ("city__search_key", "city__names__search_key")
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["city", "network"]
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["name", "native_name", "slug", "kind"]}),
        (_("Where"), {"fields": ["city", "country", "network", "website"]}),
        PUBLICATION_FIELDSET,
    ]


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    list_display = ["name", "native_name", "publication_state"]
    list_filter = ["publication_state"]
    search_fields = ["name", "native_name", "positions__title", "positions__organization__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PositionInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["name", "native_name", "slug", "note"]}),
        PUBLICATION_FIELDSET,
    ]


class PartnershipCountryFilter(CountryListFilter):
    """The country box, read from the facet index (``PartnershipFacet``, drafts included):
    one indexed lookup. ``in_country()``'s two ORed joins made PostgreSQL walk all 200,000
    partnerships in slug order for a country of a few hundred (0.4 s for Finland)."""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        code = (self.value() or "").strip().upper()
        if not code or code not in countries:
            return super().queryset(request, queryset)
        return queryset.in_country_by_index(code)  # type: ignore[attr-defined]


class StatusChangeInline(TranslatedWidgets, ScopedInline, admin.TabularInline):
    model = StatusChange
    form = PartialDateForm
    extra = 0
    fields = ["sequence", "status", "date", "note", "note_it", "note_fa", "note_vi"]
    verbose_name_plural = _("life cycle (status history)")
    # Four notes side by side: small boxes, so that the row fits a 1366 px window.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 20})}
    }


class AgreementInline(ScopedInline, admin.TabularInline):
    model = Agreement
    form = PartialDateForm
    extra = 0
    fields = ["title", "kind", "status", "signed", "publication_state"]
    show_change_link = True


class MeetingInline(ScopedInline, admin.TabularInline):
    model = Meeting
    form = PartialDateForm
    extra = 0
    fields = ["title", "date", "format", "publication_state"]
    show_change_link = True


class ProjectInline(ScopedInline, admin.TabularInline):
    model = CulturalProject
    form = PartialDateForm
    extra = 0
    fields = ["title", "status", "start", "publication_state"]
    show_change_link = True


@admin.register(Partnership)
class PartnershipAdmin(
    TranslatedFieldsAdmin,
    PartialDateAdmin,
    CuratedThemesAdmin,
    NormalisedSearchMixin,
    PublishableAdmin,
):
    city_lookups = ("city_a", "city_b")
    form = PartnershipForm
    list_display = [
        "__str__",
        "kind",
        "status",
        "established_when",
        "country_pair",
        "publication_state",
        "updated_at",
    ]
    list_filter = [
        "publication_state",
        "kind",
        "status",
        decade_filter("established", _("established")),
        PartnershipCountryFilter,
        "citations__source",
        LastConfirmedListFilter,
    ]
    list_select_related = ["city_a", "city_b"]
    # The cities by any of their names, in any script: normalised_search_fields.
    search_fields = ["institutions"]
    normalised_search_fields = (
        "city_a__search_key",
        "city_b__search_key",
        "city_a__names__search_key",
        "city_b__names__search_key",
    )
    autocomplete_fields = ["city_a", "city_b"]
    # No date hierarchy: it offers "1998 › January 1" for a date known to the year only.
    inlines = [
        StatusChangeInline,
        AgreementInline,
        MeetingInline,
        ProjectInline,
        CitationInline,
        ClaimInline,
    ]
    fieldsets = [
        (None, {"fields": [("city_a", "city_b"), "kind", "institutions", "status"]}),
        (_("Dates"), {"fields": ["established", "ended"]}),
        (_("Description"), {"fields": ["summary", "themes"]}),
        (_("Address"), {"fields": ["slug"], "classes": ["collapse"]}),
        PUBLICATION_FIELDSET,
    ]

    @admin.display(description=_("established"), ordering="established")
    def established_when(self, partnership: Partnership) -> str:
        return str(partnership.established_when or "")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        extra_context = {**(extra_context or {}), "may_import": may_import(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(partial(import_view, self))
        confirm = self.admin_site.admin_view(partial(confirm_view, self))
        prefer = self.admin_site.admin_view(partial(prefer_view, self))
        return [
            path("<int:object_id>/prefer/", prefer, name="agreements_partnership_prefer"),
            path("import/", view, name="agreements_partnership_import"),
            path("confirm/", confirm, name="agreements_partnership_confirm"),
            *super().get_urls(),
        ]

    @admin.display(description=_("countries"))
    def country_pair(self, partnership: Partnership) -> str:
        return f"{partnership.city_a.country.code}–{partnership.city_b.country.code}"


class SignatoryInline(TranslatedWidgets, ScopedInline, admin.StackedInline):
    """Stacked: the role in four languages does not fit a table row beside the person and
    the organization at 1366 px; the translations share one line under the original."""

    model = Signatory
    extra = 0
    fields = ["person", "organization", "role", ("role_it", "role_fa", "role_vi")]
    autocomplete_fields = ["person", "organization"]


@admin.register(Agreement)
class AgreementAdmin(
    TranslatedFieldsAdmin, PartialDateAdmin, NormalisedSearchMixin, PublishableAdmin
):
    city_lookups = ("partnership__city_a", "partnership__city_b")
    form = PartialDateForm
    list_display = ["title", "partnership", "kind", "status", "signed_when", "publication_state"]
    list_filter = ["publication_state", "kind", "status"]
    list_select_related = ["partnership__city_a", "partnership__city_b"]
    search_fields = ["title", "summary"]
    normalised_search_fields = PARTNERSHIP_CITY_SEARCH
    autocomplete_fields = ["partnership", "signed_place"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SignatoryInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["partnership", "title", "slug", "kind", "status"]}),
        (_("Signing"), {"fields": ["signed", "signed_place", "signed_occasion"]}),
        (_("Content"), {"fields": ["summary", "document", "document_url"]}),
        PUBLICATION_FIELDSET,
    ]

    @admin.display(description=_("signed"), ordering="signed")
    def signed_when(self, agreement: Agreement) -> str:
        return str(agreement.signed_when or "")


class ParticipantInline(TranslatedWidgets, ScopedInline, admin.StackedInline):
    """Stacked: the role in four languages does not fit a table row beside the person and
    the organization at 1366 px; the translations share one line under the original."""

    model = Participant
    extra = 0
    fields = ["person", "organization", "role", ("role_it", "role_fa", "role_vi")]
    autocomplete_fields = ["person", "organization"]


@admin.register(Meeting)
class MeetingAdmin(
    TranslatedFieldsAdmin,
    PartialDateAdmin,
    CuratedThemesAdmin,
    NormalisedSearchMixin,
    PublishableAdmin,
):
    city_lookups = ("partnership__city_a", "partnership__city_b", "place", "cities")
    form = PartialDateForm
    list_display = ["title", "date_when", "format", "place", "partnership", "publication_state"]
    list_filter = ["publication_state", "format", "place__country"]
    list_select_related = ["place", "partnership__city_a", "partnership__city_b"]
    search_fields = ["title", "summary", "participants__person__name"]
    normalised_search_fields = (
        "place__search_key",
        "place__names__search_key",
        *PARTNERSHIP_CITY_SEARCH,
    )
    autocomplete_fields = ["place", "partnership", "cities"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ParticipantInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "date", "format", "place"]}),
        (_("Who"), {"fields": ["partnership", "cities"]}),
        (_("Content"), {"fields": ["summary", "outcomes", "themes"]}),
        PUBLICATION_FIELDSET,
    ]

    @admin.display(description=_("date"), ordering="date")
    def date_when(self, meeting: Meeting) -> str:
        return str(meeting.date_when or "")


@admin.register(CulturalProject)
class CulturalProjectAdmin(
    TranslatedFieldsAdmin,
    PartialDateAdmin,
    CuratedThemesAdmin,
    NormalisedSearchMixin,
    PublishableAdmin,
):
    city_lookups = ("partnership__city_a", "partnership__city_b", "cities")
    form = PartialDateForm
    list_display = ["title", "status", "start_when", "partnership", "network", "publication_state"]
    list_filter = ["publication_state", "status", "network"]
    list_select_related = ["partnership__city_a", "partnership__city_b", "network"]
    search_fields = ["title", "description"]
    normalised_search_fields = PARTNERSHIP_CITY_SEARCH
    autocomplete_fields = ["partnership", "cities", "network"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "start", "end"]}),
        (_("Belongs to"), {"fields": ["partnership", "cities", "network"]}),
        (_("Content"), {"fields": ["description", "outputs", "themes"]}),
        PUBLICATION_FIELDSET,
    ]

    @admin.display(description=_("start"), ordering="start")
    def start_when(self, project: CulturalProject) -> str:
        return str(project.start_when or "")


from . import merge_admin  # noqa: E402 - the merge action on these admins and the cities'

merge_admin.register()

from . import admin_unmatched  # noqa: E402, F401 - the unmatched places queue (curators)
