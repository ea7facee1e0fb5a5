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
from django.utils.text import capfirst, slugify
from django.utils.translation import ngettext

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


@register.simple_tag
def facet_options(facet: Any, first: int = 8) -> SafeString:
    """A facet's checkboxes: the first few in view, the rest behind "Show all".

    Written here rather than in a template loop: a facet of 200 countries is the heaviest part
    of a browse page, and this renders it ten times faster, escaped all the same.
    """
    items = [
        format_html(
            '<li><input type="checkbox" name="{name}" value="{value}" id="{id}"{checked}>'
            '<label for="{id}"><span class="option-label">{label}</span> '
            '<span class="count">{count}</span></label></li>',
            name=facet.name,
            value=option.value,
            id=f"{facet.id}-{slugify(option.value)}",
            checked=mark_safe(" checked") if option.selected else "",
            label=capfirst(option.label),
            count=option.count,
        )
        for option in facet.options
    ]
    visible = format_html('<ul class="facet-options">{}</ul>', mark_safe("".join(items[:first])))  # noqa: S308 - built by format_html
    if len(items) <= first:
        return visible
    summary = ngettext("Show all %(count)d", "Show all %(count)d", len(items)) % {
        "count": len(items)
    }
    more = format_html(
        '<details class="facet-more"><summary>{}</summary><ul class="facet-options">{}</ul>'
        "</details>",
        summary,
        mark_safe("".join(items[first:])),  # noqa: S308 - built by format_html
    )
    return format_html("{}{}", visible, more)
