"""Records' own texts (titles, summaries) in the interface languages.

The text a curator writes first is the original, in English (``ORIGINAL_LANGUAGE``); each
translatable field has a column per other interface language beside it (``title_it``,
``title_fa``, ``title_vi``), empty until someone translates it. Plain columns on the record's
own row, not a library's registration: they are in the record's history like every other
field (so a revert restores them), bulk writers and fixtures set them as any column, a page
reads them with the row (no query more), and ``title`` stays the original everywhere (API,
exports, search keys). ``in_language`` picks the text a page shows and says in which language
it is, so that a page can tag the original it falls back to with its ``lang`` and ``dir``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

ORIGINAL_LANGUAGE = "en"
TRANSLATION_LANGUAGES: tuple[str, ...] = ("it", "fa", "vi")
# Django's own catalogue translates these names.
LANGUAGE_NAMES = {"it": _("Italian"), "fa": _("Persian"), "vi": _("Vietnamese")}


def translations_of(field: models.CharField | models.TextField) -> tuple[models.Field, ...]:
    """A column per translation language for ``field``, to unpack into a model body after
    it: ``title_it, title_fa, title_vi = translations_of(title)``."""
    columns: list[models.Field] = []
    for language in TRANSLATION_LANGUAGES:
        verbose_name = format_lazy("{} ({})", field.verbose_name, LANGUAGE_NAMES[language])
        if isinstance(field, models.CharField):
            columns.append(models.CharField(verbose_name, max_length=field.max_length, blank=True))
        else:
            columns.append(models.TextField(verbose_name, blank=True))
    return tuple(columns)


def page_language(language: str | None = None) -> str:
    return (language or get_language() or ORIGINAL_LANGUAGE).split("-")[0].lower()


@dataclass(frozen=True)
class TranslatedText:
    """A record's text as a page shows it: ``language`` is the language it is in, and
    ``in_page_language`` says whether that is the page's (False: the original, shown for
    want of a translation)."""

    text: str
    language: str
    in_page_language: bool

    @property
    def direction(self) -> str:
        return "rtl" if get_language_info(self.language)["bidi"] else "ltr"

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


class TranslatableRecord:
    """A model with ``translations_of`` columns for each of ``translated_fields``."""

    translated_fields: ClassVar[tuple[str, ...]] = ()

    def in_language(self, field: str, language: str | None = None) -> TranslatedText:
        language = page_language(language)
        if language in TRANSLATION_LANGUAGES and (
            translated := getattr(self, f"{field}_{language}", "")
        ):
            return TranslatedText(translated, language, True)
        original = getattr(self, field)
        return TranslatedText(original, ORIGINAL_LANGUAGE, language == ORIGINAL_LANGUAGE)

    def untranslated_in(self, language: str | None = None) -> bool:
        """Whether a page in ``language`` shows any of this record's texts in the original
        (a text that is empty in the original too needs no translation)."""
        return any(
            getattr(self, field) and not self.in_language(field, language).in_page_language
            for field in self.translated_fields
        )
