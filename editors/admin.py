"""Staff assign cities to editors on the user's page; curators review and recover here."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

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

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")


admin.site.index_template = "admin/twinning_index.html"
