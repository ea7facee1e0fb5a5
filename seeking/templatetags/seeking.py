"""``{% load seeking %}``: a city page's link to the partners its office is looking for."""

from __future__ import annotations

from typing import Any

from django import template

from seeking.views import city_searches

register = template.Library()


@register.simple_tag
def partner_searches(city: Any) -> list[Any]:
    """The city's calls for partners that are public today (one query, once a page)."""
    return city_searches(city)
