"""What a browser submits for an admin change page: every value of its form and inlines.

Attack tests start from this, then forge one value, as a person editing the page's HTML would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files import File
from django.forms import MultiWidget


def submitted(response: Any) -> dict[str, Any]:
    """The POST data of the change page in ``response`` as the browser would send it unedited
    (disabled fields left out, as browsers do)."""
    data: dict[str, Any] = {}
    context = response.context
    add_form(data, context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        add_form(data, formset.management_form)
        for form in formset.forms:
            add_form(data, form)
    return data


def add_form(data: dict[str, Any], form: Any) -> None:
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, MultiWidget):  # one box per part (a partial date's year, ...)
            values = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, values, strict=True):
                data[f"{bound.html_name}{suffix}"] = "" if part is None else str(part)
            continue
        if value is None or isinstance(value, File):
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
