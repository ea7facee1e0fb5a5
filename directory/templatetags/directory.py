"""Template helpers of the public pages: dates at their precision, filter URLs, JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from twinning.dates import PartialDate

register = template.Library()

# The characters json_script escapes, so that data can never close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def when(date: PartialDate | None, default: str = "") -> str:
    """A date at its precision in a ``<time>`` element: "1998", "February 2021"."""
    if date is None:
        return default
    return format_html('<time datetime="{}">{}</time>', date.iso, str(date))


@register.simple_tag(takes_context=True)
def query_without(context: template.Context, name: str, value: str | None = None) -> str:
    """The current query string without one value of a parameter (or all of it), and the page."""
    query: QueryDict = context["request"].GET.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [v for v in query.getlist(name) if v != value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    """Structured data for search engines, as a schema.org JSON-LD block."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, Any]]:
    """This page in each interface language, query string included."""
    request = context["request"]
    current = translation.get_language()
    path = request.get_full_path()
    return [
        {
            "code": code,
            "name": name,
            "url": translate_url(path, code),
            "current": code == current,
            "bidi": translation.get_language_info(code)["bidi"],
        }
        for code, name in settings.LANGUAGES
    ]
