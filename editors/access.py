"""Who may do what, asked the same way everywhere (admin views, actions, forms)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

CURATORS = "Curators"
CITY_EDITORS = "City editors"
PUBLISH = "editors.publish_records"


def is_curator(user: Any) -> bool:
    return bool(user.is_active and (user.is_superuser or user.has_perm(PUBLISH)))


def city_ids(user: Any) -> frozenset[int]:
    """The cities a city editor keeps (cached on the user for the request)."""
    if not hasattr(user, "_editor_city_ids"):
        user._editor_city_ids = frozenset(
            user.city_assignments.values_list("city_id", flat=True) if user.pk else []
        )
    return frozenset(user._editor_city_ids)


def involving(lookups: tuple[str, ...], ids: frozenset[int]) -> Q:
    """Rows that reach one of ``ids`` through any of ``lookups`` ("city_a", "place", ...)."""
    condition = Q(pk__in=[])
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": ids}) if lookup != "pk" else Q(pk__in=ids)
    return condition
