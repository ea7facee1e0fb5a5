"""A record's own texts in the page's language, or its original tagged with its language.

``{% translated meeting "title" as title %}<h1{% text_lang title %}>{{ title }}</h1>``:
the Italian title on an Italian page; the English original, with ``lang="en" dir="ltr"``,
where nobody has translated it yet, so that no element claims the page's language for text
in another. ``{% translation_note meeting %}`` says so in a sentence.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from common.translations import TranslatableRecord, TranslatedText

register = template.Library()


@register.simple_tag
def translated(record: TranslatableRecord, field: str) -> TranslatedText:
    return record.in_language(field)


@register.simple_tag
def text_lang(text: TranslatedText) -> SafeString:
    """The ``lang`` and ``dir`` attributes of a text not in the page's language (none for a
    text in it: it inherits the page's)."""
    if text.in_page_language:
        return SafeString("")
    return format_html(' lang="{}" dir="{}"', text.language, text.direction)


@register.simple_tag
def translation_note(*records: TranslatableRecord | Iterable[TranslatableRecord]) -> SafeString:
    """A visible note when a text of ``records`` (records, or lists of them such as a
    meeting's participants) is shown in the original for want of a translation into the
    page's language."""
    flat: list[TranslatableRecord] = []
    for item in records:
        if isinstance(item, TranslatableRecord) or item is None:
            flat.append(item)
        else:
            flat.extend(item)
    if not any(record.untranslated_in() for record in flat if record is not None):
        return SafeString("")
    return format_html(
        '<p class="translation-note">{}</p>',
        gettext("Not yet translated into the language of this page; shown in English."),
    )
