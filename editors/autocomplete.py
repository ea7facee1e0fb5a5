"""A forged value of an admin autocomplete select is dropped before Django looks it up.

Django's ``AutocompleteMixin.optgroups`` filters the related model by the submitted values
when it draws the form again: a value that is no key ("²", thousands of digits) raised
ValueError and one beyond the column's range OverflowError (SQLite), a 500 for any user who
forges the form. Dropped, the form shows its own message ("Select a valid choice").

The guarded widgets are subclasses, given by ``GuardedAutocompleteAdmin`` to every field of an
admin's ``autocomplete_fields``, rather than a patch of Django's mixin: what an admin draws is
visible in its class, and Django's widget stays Django's for everything else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import (
    AutocompleteMixin,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

LARGEST = 2**63


def usable(field: models.Field, value: Any) -> bool:
    try:
        typed = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(typed, int) or -LARGEST < typed < LARGEST


class GuardedAutocompleteMixin(AutocompleteMixin):
    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        opts = self.field.remote_field.model._meta
        to_field = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        value = [item for item in value if usable(to_field, item)]
        return super().optgroups(name, value, attr)


class GuardedAutocompleteSelect(GuardedAutocompleteMixin, AutocompleteSelect):
    """Django's autocomplete select of a foreign key, dropping values that are no key."""


class GuardedAutocompleteSelectMultiple(GuardedAutocompleteMixin, AutocompleteSelectMultiple):
    """Django's autocomplete select of a many-to-many field, dropping values that are no key."""


class GuardedAutocompleteAdmin:
    """For a ModelAdmin or an InlineModelAdmin: its ``autocomplete_fields`` draw the guarded
    widgets. The widget is chosen as Django's ``formfield_for_foreignkey`` and
    ``formfield_for_manytomany`` choose theirs (same site, same database), so Django keeps
    the rest (queryset, help text, the related-object wrapper)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = GuardedAutocompleteSelect(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field,
                self.admin_site,  # type: ignore[attr-defined]
                using=kwargs.get("using"),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
