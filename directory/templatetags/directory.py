"""Template helpers of the public pages: dates at their precision, filter URLs, JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from agreements.models import PartnershipKind, PartnershipStatus
from cities.filters import country_names
from cities.models import City
from cities.normalise import search_key
from common import formats
from common.dates import PartialDate
from common.formats import number

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
    """Structured data for search engines, as the text of base.html's JSON-LD script element.

    Safe as json_script is: ``<``, ``>`` and ``&`` are written as JSON escapes, so no value can
    close the element; the template's autoescaping would instead corrupt the JSON (a script's
    text is not HTML-decoded). Django's own json_script filter writes ``application/json``.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 - every character that could end the element is escaped


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


@dataclass(frozen=True)
class OptionLists:
    """A facet's options as includes/facet_options.html prints them: the first few, the
    rest (behind "Show all"), and how many in all."""

    first: SafeString
    rest: SafeString
    total: int


VISIBLE_OPTIONS = 8
# Each option's <li> (includes/facet_option.html) rendered once per process, keyed by all it
# shows but its count, which takes the place of COUNT_SLOT: the same options recur on every
# page with new counts. A facet panel of 300 options through the template engine, option by
# option, cost 13 ms of a browse page with the real data loaded (0.6 ms this way). The slot
# is markup, so no escaped label can contain it.
COUNT_SLOT = mark_safe("<!--count-->")
_OPTIONS: dict[tuple[str, str, bool, str], str] = {}


def _option_html(facet: Any, option: Any, language: str) -> str:
    key = (facet.name, option.value, option.selected, str(option.label))
    html = _OPTIONS.get(key)
    if html is None:
        if len(_OPTIONS) > 50_000:
            _OPTIONS.clear()
        context = {"facet": facet, "option": option, "count": COUNT_SLOT}
        html = _OPTIONS[key] = render_to_string("includes/facet_option.html", context)
    return html.replace(COUNT_SLOT, number(int(option.count), language))


@register.simple_tag
def facet_option_lists(facet: Any) -> OptionLists:
    """A facet's options, ready for includes/facet_options.html."""
    language = formats.language()
    items = [_option_html(facet, option, language) for option in facet.options]
    return OptionLists(
        first=mark_safe("".join(items[:VISIBLE_OPTIONS])),  # noqa: S308  # rendered templates
        rest=mark_safe("".join(items[VISIBLE_OPTIONS:])),  # noqa: S308
        total=len(items),
    )


@register.simple_tag
def show_all(count: int) -> str:
    """The summary that opens a facet's options past the first few (text; the template
    escapes it)."""
    return ngettext("Show all (%(shown)s)", "Show all (%(shown)s)", count) % {
        "shown": number(count)
    }


@dataclass(frozen=True)
class Card:
    """What a partnership's card shows (includes/partnership_cards.html), worked out once
    per page: the template only prints it. Twenty cards through Django's template engine with
    each resolving its own labels cost 12 ms of a 30 ms browse page (docs/performance.md)."""

    url: str
    city_a: str  # marked safe by city_name()
    city_b: str
    country_a: str
    country_b: str  # empty when both cities are in one country
    kind: str
    status: str
    status_label: str
    since: str  # marked safe by when()
    themes: list[str]


def display_key(city: Any) -> str:
    """How a city sorts by the name a page shows: its name in the page's language if stored."""
    names = getattr(city, "local_names", None)
    return search_key(names[0].name if names else city.name)


def in_order(partnership: Any, about: Any = None) -> tuple[Any, Any]:
    """A partnership's two cities in the order a list shows them: first the side the list is
    about (``about``: a city, or country codes, e.g. the browse page's country filter), else
    in alphabetical order of their names as shown ("Aabenraa – Kaltenkirchen"). The records
    store them by id, which reads as random in a list sorted by name."""
    first, second = partnership.city_a, partnership.city_b
    if isinstance(about, City):
        if second.pk == about.pk:
            return second, first
        if first.pk == about.pk:
            return first, second
    elif about:
        ours = str(first.country) in about, str(second.country) in about
        if ours == (False, True):
            return second, first
        if ours == (True, False):
            return first, second
    return (second, first) if display_key(second) < display_key(first) else (first, second)


@register.simple_tag
def partnership_cards(partnerships: Any, about: Any = None) -> list[Card]:
    """The cards of ``partnerships``, each with the side the list is about first (see
    :func:`in_order`)."""
    names = country_names(translation.get_language() or settings.LANGUAGE_CODE)
    kinds = {value: str(label) for value, label in PartnershipKind.choices}
    statuses = {value: str(label) for value, label in PartnershipStatus.choices}
    cards = []
    for partnership in partnerships:
        one, other = in_order(partnership, about)
        country_a, country_b = str(one.country), str(other.country)
        established = partnership.established_when
        cards.append(
            Card(
                url=partnership.get_absolute_url(),
                city_a=city_name(one),
                city_b=city_name(other),
                country_a=names.get(country_a, country_a),
                country_b="" if country_b == country_a else names.get(country_b, country_b),
                kind=kinds.get(partnership.kind, partnership.kind),
                status=partnership.status,
                status_label=statuses.get(partnership.status, partnership.status),
                since=when(established) if established else "",
                themes=[gettext(theme.name) for theme in partnership.theme_list],
            )
        )
    return cards
