"""A forged value of an admin autocomplete select is dropped before Django looks it up.

Django's ``AutocompleteMixin.optgroups`` filters the related model by the submitted values
when it draws the form again: a value that is no key ("²", thousands of digits) raised
ValueError and one beyond the column's range OverflowError (SQLite), a 500 for any user who
forges the form. Dropped, the form shows its own message ("Select a valid choice").
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.db import models

LARGEST = 2**63


def usable(field: models.Field, value: Any) -> bool:
    try:
        typed = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return not isinstance(typed, int) or -LARGEST < typed < LARGEST


def guard() -> None:
    original = AutocompleteMixin.optgroups
    if getattr(original, "guarded", False):
        return

    def optgroups(self: Any, name: str, value: Any, attr: Any = None) -> Any:
        opts = self.field.remote_field.model._meta
        to_field = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))
        value = [item for item in value if usable(to_field, item)]
        return original(self, name, value, attr)

    optgroups.guarded = True  # type: ignore[attr-defined]
    AutocompleteMixin.optgroups = optgroups  # type: ignore[method-assign]
