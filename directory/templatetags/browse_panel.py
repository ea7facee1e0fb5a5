"""The filter panel of the browse pages on small screens."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def selected_count(facets: Any) -> int:
    """How many facet values are selected: the number on the "Filters (n active)" button."""
    return sum(len(facet.selected) for facet in facets or ())
