"""Does the project need to override a Django internal? Each override is timed
with the override and with Django's own behaviour, in the same process:

- ``FacetChoiceField.__deepcopy__`` and ``FacetFilter.__deepcopy__``, and
  ``FacetedFilterSet.get_form_class`` (one form class per process): building a
  ``PartnershipFilter`` and its bound form, as every browse page and API list does.

Measured on this 2-core machine: an override of ``_get_FIELD_display`` (choice labels) saved
nothing (2.5-2.7 ms for 900 labels either way) and is gone; Django's deep copy doubles the
FilterSet's cost (3.2-3.6 against 6.3-6.7 ms), so the two ``__deepcopy__`` overrides stay,
with a comment pointing here. On 2 December 2026, with the German and Wikidata lists loaded:
a new form class per FilterSet, as django-filter builds it, and the widgets' copies of their
choices cost 4.8 of the 6.1 ms (1.3 ms with one form class per process and widgets that share
their choices).

    DATABASE_URL=... SECRET_KEY=x .venv/bin/python perf/internals.py

Any migrated database will do (the theme and network vocabularies are read from it).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def per_call(function: Callable[[], object], repeat: int) -> float:
    """Milliseconds per call, the best of five runs."""
    best = float("inf")
    for _run in range(5):
        start = time.perf_counter()
        for _call in range(repeat):
            function()
        best = min(best, (time.perf_counter() - start) / repeat * 1000)
    return best


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings")
    os.environ.setdefault("DEBUG", "false")
    django.setup()
    from django.http import QueryDict
    from django.utils import translation

    from agreements.filters import PartnershipFilter
    from publishing import facets

    translation.activate("it")

    def filterset() -> None:
        built = PartnershipFilter(QueryDict("country=IT&kind=friendship"), queryset=None)
        built.is_valid()

    rows = []
    ours = per_call(filterset, 50)
    copies: list[Any] = [facets.FacetChoiceField, facets.FacetFilter]
    saved_copies = [klass.__dict__["__deepcopy__"] for klass in copies]
    for klass in copies:
        delattr(klass, "__deepcopy__")
    django_s = per_call(filterset, 50)
    for klass, method in zip(copies, saved_copies, strict=True):
        klass.__deepcopy__ = method
    rows.append(("PartnershipFilter + bound form: copies", ours, django_s))
    # django-filter's form class for every FilterSet, against one per process.
    faceted: Any = facets.FacetedFilterSet
    cached_form_class = faceted.__dict__["get_form_class"]
    del faceted.get_form_class
    django_s = per_call(filterset, 50)
    faceted.get_form_class = cached_form_class
    rows.append(("PartnershipFilter + bound form: form class", ours, django_s))

    print(f"{'what':50} {'override ms':>12} {'Django ms':>12}")
    for what, with_override, without in rows:
        print(f"{what:50} {with_override:12.2f} {without:12.2f}")


if __name__ == "__main__":
    main()
