from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from common.widgets import PartialDateForm

from .models import Theme

LARGEST_KEY = 2**63 - 1


def is_key(item: Any) -> bool:
    """Whether ``item`` can be a theme's key: a number the database column holds (a larger
    one is an OverflowError, a 500, in SQLite's driver)."""
    text = str(item)
    return text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= LARGEST_KEY


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    """Themes chosen from the curated vocabulary: an unknown term is refused, never created
    (curators add terms under Themes)."""

    default_error_messages = {
        "invalid_choice": _(
            "Not in the theme vocabulary: %(value)s. Choose an existing theme, or ask a "
            "curator to add it under Themes."
        ),
        "invalid_pk_value": _(
            "Not in the theme vocabulary: %(pk)s. Choose an existing theme, or ask a "
            "curator to add it under Themes."
        ),
    }

    def clean(self, value: Any) -> Any:
        # An empty value (a script's "themes=") is no theme, not an unknown one.
        if isinstance(value, list | tuple):
            value = [item for item in value if item not in self.empty_values]
            for item in value:
                if not is_key(item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super().clean(value)


class ThemeSelect(AutocompleteSelectMultiple):
    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        # A forged or stale value that is no theme's key (the form says so) is not
        # looked up as one: the page shows the form again with its message.
        keys = []
        for item in value:
            if is_key(item):
                keys.append(str(int(str(item))))
        return super().optgroups(name, keys, attr)


def themes_formfield(db_field: Any, admin_site: Any) -> ThemeChoiceField:
    """The themes of a record as a multiple choice with search (the admin's autocomplete,
    which asks the Theme admin's search), in place of taggit's free-text input."""
    return ThemeChoiceField(
        queryset=Theme.objects.all(),
        required=False,
        label=capfirst(db_field.verbose_name),
        help_text=_("Type to find a theme of the vocabulary; choose as many as apply."),
        widget=ThemeSelect(db_field, admin_site),
    )


class PartnershipForm(PartialDateForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("city_a") and cleaned.get("city_a") == cleaned.get("city_b"):
            self.add_error("city_b", _("A city cannot partner itself."))
        return cleaned
