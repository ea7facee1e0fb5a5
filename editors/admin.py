"""Staff assign cities to editors on the user's page; curators review and recover here."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .access import CITY_EDITORS, CURATORS
from .models import CityAssignment

User = get_user_model()


class CityAssignmentInline(admin.TabularInline):
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
