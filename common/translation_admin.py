"""The translations of a record's texts in its admin: a collapsed fieldset per language,
each field written in its language's direction."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils.translation import get_language_info

from common.translations import LANGUAGE_NAMES, ORIGINAL_LANGUAGE, TRANSLATION_LANGUAGES


def flatten(fieldsets: list[Any]) -> list[str]:
    names: list[str] = []
    for _name, options in fieldsets:
        for field in options.get("fields", ()):
            names.extend(field if isinstance(field, list | tuple) else [field])
    return names


class TranslatedWidgets:
    """Each text of a ``TranslatableRecord`` written in its language's direction: the
    original left to right, Persian right to left (an admin or an inline)."""

    model: type[models.Model]

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        translated = getattr(self.model, "translated_fields", ())
        if formfield is not None and db_field.name in translated:
            # The original is English, left to right on a Persian admin page too.
            formfield.widget.attrs.update(lang=ORIGINAL_LANGUAGE, dir="ltr")
        base, _, language = db_field.name.rpartition("_")
        if formfield is not None and language in TRANSLATION_LANGUAGES and base in translated:
            direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
            formfield.widget.attrs.update(lang=language, dir=direction)
        return formfield


class TranslatedFieldsAdmin(TranslatedWidgets):
    """For a ``TranslatableRecord``'s admin: its ``translated_fields`` in each translation
    language, a fieldset per language: before the publication fieldset, the last one of a
    publishable record's admin, else at the end."""

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))  # type: ignore[misc]
        fields = getattr(self.model, "translated_fields", ())
        if not fields:
            return fieldsets
        translations = [
            (
                LANGUAGE_NAMES[language],
                {
                    "fields": [f"{field}_{language}" for field in fields],
                    "classes": ["collapse"],
                },
            )
            for language in TRANSLATION_LANGUAGES
        ]
        last = fieldsets[-1:]
        if not any("publication_state" in name for name in flatten(last)):
            return [*fieldsets, *translations]
        return [*fieldsets[:-1], *translations, *last]
