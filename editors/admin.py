"""Staff assign cities to editors on the user's page; curators review and recover here."""

from typing import Any

from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .access import CITY_EDITORS, CURATORS
from .autocomplete import GuardedAutocompleteAdmin
from .models import CityAssignment

User = get_user_model()


class CityAssignmentInline(GuardedAutocompleteAdmin, admin.TabularInline):
    model = CityAssignment
    extra = 1
    autocomplete_fields = ["city"]
    verbose_name = _("city this editor keeps")
    verbose_name_plural = _("cities this editor keeps (city editors only)")


admin.site.unregister(User)


@admin.register(User)
class EditorUserAdmin(UserAdmin):
    inlines = [CityAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "role"]

    @admin.display(description=_("role"))
    def role(self, user: object) -> str:
        groups = ", ".join(group.name for group in user.groups.all())  # type: ignore[attr-defined]
        return groups or ("superuser" if user.is_superuser else "")  # type: ignore[attr-defined]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """Only a superuser sees, changes or sets the password of a superuser."""
        users = super().get_queryset(request).prefetch_related("groups")
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    # Curators manage the people of the directory: they make staff members editors or
    # curators and assign cities. Rights beyond the two roles (superuser status, single
    # permissions, other groups) are a superuser's, so nobody raises themselves above a curator.
    ROLE_ONLY_FIELDS = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.ROLE_ONLY_FIELDS
        return readonly

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=[CURATORS, CITY_EDITORS])
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.index_template = "admin/twinning_index.html"


# -- The index's sections are named for the work, not for the packages behind them ----------

# django-axes' sign-in attempts and lock-outs: "Access", on the index and in breadcrumbs.
django_apps.get_app_config("axes").verbose_name = _("Access")
# taggit's own tag table is unused: themes are the curated vocabulary (agreements' Theme).
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)

THEMES = ("agreements", "Theme")  # by label: editors imports no editorial app


def sections_for_the_work(request: HttpRequest, app_label: str | None = None) -> list[Any]:
    """The admin's sections, the theme vocabulary in its own "Themes" section."""
    sections = list(AdminSite.get_app_list(admin.site, request, app_label))
    if app_label is not None:
        return sections
    for section in list(sections):
        if section["app_label"] != THEMES[0]:
            continue
        themes = [model for model in section["models"] if model["object_name"] == THEMES[1]]
        if themes:
            section["models"] = [model for model in section["models"] if model not in themes]
            url = themes[0].get("admin_url") or section["app_url"]
            sections.append({**section, "name": _("Themes"), "app_url": url, "models": themes})
    return sorted(sections, key=lambda section: str(section["name"]).lower())


admin.site.get_app_list = sections_for_the_work  # type: ignore[method-assign]


# -- The curators' desks are pages of the admin site (admin:review-queue, admin:deleted-records)


site_urls = admin.site.get_urls


def urls_with_the_desks() -> list[URLResolver | URLPattern]:
    from . import views

    return [
        path("review/", admin.site.admin_view(views.review_queue), name="review-queue"),
        path("deleted/", admin.site.admin_view(views.deleted_records), name="deleted-records"),
        *site_urls(),
    ]


admin.site.get_urls = urls_with_the_desks  # type: ignore[method-assign]
