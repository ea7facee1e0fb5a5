from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.translation_admin import TranslatedFieldsAdmin
from common.widgets import PartialDateAdmin, PartialDateForm
from editors.access import is_curator
from editors.admin_tools import ScopedInline, visible_citations

from .admin_tools import (
    PUBLICATION_FIELDSET,
    BaseAdmin,
    CountryListFilter,
    NormalisedSearchMixin,
    PublishableAdmin,
    country_name,
)
from .models import Citation, City, CityName, Network, NetworkMembership, Source


class CitationInline(ScopedInline, GenericTabularInline):
    """The sources a record cites, with the supporting passage. Used by both apps."""

    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "excerpt", "excerpt_en", "locator"]
    verbose_name = _("citation")
    verbose_name_plural = _("sources cited")


class CityNameInline(ScopedInline, admin.TabularInline):
    """A city's names are reference data that every page and search shows: curators only."""

    model = CityName
    extra = 1
    fields = ["name", "language", "kind", "is_preferred"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user) and super().has_delete_permission(request, obj)


class CityMembershipInline(ScopedInline, admin.TabularInline):
    model = NetworkMembership
    form = PartialDateForm
    extra = 0
    fields = ["network", "field", "role", "since", "publication_state"]
    autocomplete_fields = ["network"]
    show_change_link = True


@admin.register(City)
class CityAdmin(NormalisedSearchMixin, BaseAdmin):
    # Every city is public reference data that every partnership page shows (its address,
    # country, identifiers, names): curators change it. An editor opens their own cities to
    # add network memberships, which go through review like any other record.
    city_lookups = ("pk",)
    editor_sees_all = True
    list_display = ["name", country_name, "subdivision", "population", "wikidata_id", "geonames_id"]
    list_filter = [CountryListFilter]
    # Names in any script through normalised_search_fields (one semi-join on the names).
    search_fields = ["wikidata_id", "=geonames_id"]
    normalised_search_fields = ("search_key", "names__search_key")
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CityNameInline, CityMembershipInline]
    readonly_fields = ["search_key", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "country", "subdivision"]}),
        (_("Location and size"), {"fields": ["latitude", "longitude", "population"]}),
        (_("Identifiers"), {"fields": ["wikidata_id", "geonames_id"]}),
        (
            _("Record"),
            {"fields": ["search_key", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: City | None = None) -> Any:
        if is_curator(request.user):
            return self.readonly_fields
        return [field.name for field in City._meta.fields if field.name != "id"]

    def get_prepopulated_fields(self, request: HttpRequest, obj: City | None = None) -> Any:
        return super().get_prepopulated_fields(request, obj) if is_curator(request.user) else {}


@admin.register(Network)
class NetworkAdmin(TranslatedFieldsAdmin, BaseAdmin):
    ordering = ["name", "pk"]  # the member count's GROUP BY drops the default ordering
    list_display = ["name", "short_name", "parent", "member_count"]
    list_select_related = ["parent"]
    search_fields = ["name", "native_name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "native_name", "short_name", "slug", "parent"]}),
        (_("About"), {"fields": ["website", "description"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Network]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("memberships"), ordering="member_count")
    def member_count(self, network: Network) -> int:
        return network.member_count  # type: ignore[attr-defined]


@admin.register(NetworkMembership)
class NetworkMembershipAdmin(PartialDateAdmin, NormalisedSearchMixin, PublishableAdmin):
    city_lookups = ("city",)
    form = PartialDateForm
    list_display = ["city", "network", "field", "role", "since_when", "publication_state"]
    list_filter = ["publication_state", "network", "role", "field", "city__country"]
    list_select_related = ["city", "network"]
    search_fields = ["city__name", "network__name", "field"]
    normalised_search_fields = ("city__search_key", "city__names__search_key")
    autocomplete_fields = ["city", "network"]
    inlines = [CitationInline]
    fieldsets = [
        (None, {"fields": ["city", "network", "field", "role"]}),
        (_("Period"), {"fields": ["since", "until"]}),
        (_("Note"), {"fields": ["note"]}),
        PUBLICATION_FIELDSET,
    ]

    @admin.display(description=_("since"), ordering="since")
    def since_when(self, membership: NetworkMembership) -> str:
        return str(membership.since_when or "")


@admin.register(Source)
class SourceAdmin(PartialDateAdmin, BaseAdmin):
    editor_scoped = True
    form = PartialDateForm
    # Explicit: the citation count's GROUP BY drops the model's default ordering.
    ordering = ["-published", "title", "pk"]
    list_display = ["__str__", "publisher", "language", "published_when", "citation_count"]
    list_filter = ["language"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["title", "title_en", "publisher", "url"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "title_en", "publisher", "language"]}),
        (
            _("Where and when"),
            {"fields": ["url", "published", "accessed"]},
        ),
        (_("Note"), {"fields": ["note"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        """With the number of citations the user may see (an editor's count leaves out the
        citations of other cities' drafts, which would say that such drafts exist)."""
        counted = Q() if is_curator(request.user) else Q(citations__in=visible_citations(request))
        return (
            super()
            .get_queryset(request)
            .annotate(citation_count=Count("citations", filter=counted))
        )

    def editor_filter(self, request: HttpRequest) -> Q:
        """An editor sees the sources of what they may see (published records, their cities'
        records) and the ones they added; a source only other cities' drafts cite is not."""
        return Q(pk__in=visible_citations(request).values("source")) | Q(
            pk__in=Source.history.filter(history_type="+", history_user=request.user).values("id")
        )

    @admin.display(description=_("published"), ordering="published")
    def published_when(self, source: Source) -> str:
        return str(source.published_when or "")

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, source: Source) -> int:
        return source.citation_count  # type: ignore[attr-defined]


@admin.register(Citation)
class CitationAdmin(BaseAdmin):
    """Every citation in one place, to check sources; records edit theirs inline.

    Curators only, whatever the groups' permissions say (editors hold them for the inlines
    of their own records): a citation's passage can reveal a draft of any city."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_curator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_curator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_curator(request.user)

    list_display = ["source", "content_type", "object_id", "locator"]
    list_filter = ["content_type", "source"]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["source", "content_type"]
    search_fields = ["excerpt", "excerpt_en", "source__title", "source__title_en"]
    autocomplete_fields = ["source"]
