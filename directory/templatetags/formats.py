"""``{% load formats %}``: numbers and coordinates as the page's language writes them
(``common.formats``, CLDR): ``{{ count|number }}``, ``{% coordinates lat lon %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from common import formats

register = template.Library()


@register.filter
def number(value: Any) -> str:
    """5457 → "5,457" (en), "5.457" (it, vi), "۵٬۴۵۷" (fa); text that is no number as it is."""
    if isinstance(value, bool) or value in (None, ""):
        return "" if value in (None, "") else str(value)
    try:
        return formats.number(value)
    except (TypeError, ValueError):
        return str(value)


@register.simple_tag
def coordinates(latitude: Any, longitude: Any) -> str:
    """The two coordinates, always read left to right ("۴۳٫۷۷۹۳° N, ۱۱٫۲۴۶۳° E"): in a
    right-to-left page the bidi algorithm would otherwise reorder the Latin letters and the
    numbers into "N, ۱۱٫۲۴۶۳° E ۴۳٫۷۷۹۳°"."""
    return format_html('<bdi dir="ltr">{}</bdi>', formats.coordinates(latitude, longitude))
