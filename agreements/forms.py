from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Theme


class CuratedThemesForm(forms.ModelForm):
    """Themes come from the curated vocabulary: an unknown term is refused, not created."""

    def clean_themes(self) -> list[str]:
        names: list[str] = self.cleaned_data.get("themes") or []
        known = {
            value.casefold(): name
            for name, slug in Theme.objects.values_list("name", "slug")
            for value in (name, slug)
        }
        unknown = [name for name in names if name.casefold() not in known]
        if unknown:
            raise ValidationError(
                _(
                    "Not in the theme vocabulary: %(names)s. Use an existing theme, "
                    "or ask a curator to add it under Themes."
                ),
                code="unknown_theme",
                params={"names": ", ".join(unknown)},
            )
        return [known[name.casefold()] for name in names]


class PartnershipForm(CuratedThemesForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("city_a") and cleaned.get("city_a") == cleaned.get("city_b"):
            self.add_error("city_b", _("A city cannot partner itself."))
        return cleaned
