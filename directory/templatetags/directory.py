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
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, slugify
from django.utils.translation import ngettext

from common.dates import PartialDate

register = template.Library()

# The characters json_script escapes, so that data can never close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def when(date: PartialDate | None, default: str = "") -> str:
    """A date at its precision in a ``<time>`` element: "1998", "February 2021"."""
    if date is None:
        return default
    return format_html('<time datetime="{}">{}</time>', date.iso, str(date))


@register.simple_tag
def city_name(city: Any) -> str:
    """A city's name in the active language when one is stored (``local_names``), isolated
    from the surrounding text's direction and marked with its language."""
    names = getattr(city, "local_names", None)
    if names:
        return format_html('<bdi lang="{}">{}</bdi>', names[0].language, names[0].name)
    return format_html("<bdi>{}</bdi>", city.name)


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


# The unchanging markup of each facet option, by language and content version (labels come
# from records: a renamed network must show its new name).
_OPTION_MARKUP: dict[tuple[Any, ...], tuple[str, str]] = {}


def option_markup(facet: Any, option: Any) -> tuple[str, str]:
    """The option's checkbox up to its ``checked`` attribute, and its label up to its count."""
    from publishing.models import ContentVersion

    key = (translation.get_language(), ContentVersion.current(), facet.name, facet.id, option.value)
    markup = _OPTION_MARKUP.get(key)
    if markup is None:
        if len(_OPTION_MARKUP) > 50_000:
            _OPTION_MARKUP.clear()
        name, value = escape(facet.name), escape(option.value)
        id_ = escape(f"{facet.id}-{slugify(option.value)}")
        markup = _OPTION_MARKUP[key] = (
            f'<li><input type="checkbox" name="{name}" value="{value}" id="{id_}"',
            f'><label for="{id_}"><span class="option-label">{escape(capfirst(option.label))}'
            '</span> <span class="count">',
        )
    return markup


@register.simple_tag
def facet_options(facet: Any, first: int = 8) -> SafeString:
    """A facet's checkboxes: the first few in view, the rest behind "Show all".

    Written here rather than in a template loop: a facet of 200 countries is the heaviest part
    of a browse page. Every value is escaped once per language and content version.
    """
    items = []
    for option in facet.options:
        head, label = option_markup(facet, option)
        checked = " checked" if option.selected else ""
        items.append(f"{head}{checked}{label}{int(option.count)}</span></label></li>")
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
