"""Partial dates in the admin: entered and shown at their precision.

A partial date is three columns (``common.dates``); in a form it is one field, ``PartialDateField``,
with year, month and day boxes, the precision chosen explicitly and the date as the source
writes it ("1377 SH"). What is saved shows the same when the form is opened again: a date
known to the year is "1998" with neither month nor day, never 1 January 1998.

``PartialDateFormMixin`` puts the field in place of the three columns of every partial date
of a ``PartialDateModel`` form; ``PartialDateAdmin`` writes the dates of an admin's history
and read-only pages at their precision.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.renderers import get_default_renderer
from django.utils.dates import MONTHS
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

from .dates import PartialDate, Precision
from .formats import date_at_precision

# In the order of the boxes: year, month, day; "about" is a year too.
PRECISION_CHOICES = [
    ("", "---------"),
    (Precision.YEAR.value, Precision.YEAR.label),
    (Precision.MONTH.value, Precision.MONTH.label),
    (Precision.DAY.value, Precision.DAY.label),
    (Precision.CIRCA.value, Precision.CIRCA.label),
]
YEARLY = (Precision.YEAR, Precision.CIRCA)
# The month by its name, in the language of the page (Django's lazy month names): a number
# typed in a box read as a day or a month depending on the reader's habits. Posted as 1-12.
MONTH_CHOICES = [("", "---------"), *((str(number), name) for number, name in MONTHS.items())]


@dataclass(frozen=True)
class DateEntry:
    """What a partial-date field holds: the first day of the period (None when no date is
    given), its precision ("" without a date) and the date as written."""

    date: datetime.date | None
    precision: str = ""
    as_written: str = ""


def parts(value: Any) -> list[str]:
    """The five boxes' values (year, month, day, precision, as written) for ``value``: a
    ``DateEntry``, a ``PartialDate``, a date, an ISO date string or nothing."""
    if isinstance(value, list | tuple):
        return [("" if part is None else str(part)) for part in value]
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return [value, "", "", "", ""]
    if isinstance(value, datetime.date):
        value = DateEntry(value, Precision.DAY)
    if not isinstance(value, DateEntry | PartialDate):
        return ["", "", "", "", ""]
    day, precision = value.date, value.precision
    if day is None:
        return ["", "", "", "", value.as_written]
    return [
        str(day.year),
        str(day.month) if precision in (Precision.MONTH, Precision.DAY) else "",
        str(day.day) if precision == Precision.DAY else "",
        precision,
        value.as_written,
    ]


class PartialDateWidget(forms.MultiWidget):
    """Year, month and day boxes, the precision and the date as written, side by side, each
    with its caption; the month is chosen by its name. The boxes post as ``<name>_year``,
    ``<name>_month`` (1-12), ``<name>_day``, ``<name>_precision`` and ``<name>_as_written``:
    the last two are the columns' names."""

    captions = (_("year"), _("month"), _("day"), _("precision"), _("as written"))

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        number = {"inputmode": "numeric", "autocomplete": "off"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "year": forms.TextInput(attrs={**number, "size": 4, "class": "partial-date-year"}),
            "month": forms.Select(attrs={"class": "partial-date-month"}, choices=MONTH_CHOICES),
            "day": forms.TextInput(attrs={**number, "size": 2, "class": "partial-date-day"}),
            "precision": forms.Select(
                attrs={"class": "partial-date-precision"}, choices=PRECISION_CHOICES
            ),
            "as_written": forms.TextInput(
                attrs={"size": 12, "maxlength": 100, "dir": "auto", "class": "partial-date-written"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str]:
        return parts(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if f"{name}_year" not in data and name in data:
            # One ISO date under the column's name, as scripts and the three-column form
            # post it ("1998-01-01" with the precision "year"): read at its precision.
            raw, precision = data.get(name) or "", data.get(f"{name}_precision", "")
            written = data.get(f"{name}_as_written", "")
            try:
                day = datetime.date.fromisoformat(raw)
            except ValueError:
                return [raw, "", "", precision, written]
            return [*parts(DateEntry(day, precision or Precision.DAY))[:4], written]
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""  # the year box

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> Any:
        renderer = renderer or get_default_renderer()
        context = self.get_context(name, value, attrs)
        boxes = []
        for caption, widget in zip(self.captions, context["widget"]["subwidgets"], strict=True):
            # Rendered by the form renderer's templates, which escape: safe, as Django marks it.
            html = mark_safe(renderer.render(widget["template_name"], {"widget": widget}))  # noqa: S308
            boxes.append((widget["attrs"].get("id", ""), caption, html))
        return format_html(
            '<div class="partial-date">{}</div>',
            format_html_join(
                "",
                '<span class="partial-date-part"><label for="{}">{}</label>{}</span>',
                boxes,
            ),
        )


def whole_number(text: str, message: Any, code: str) -> int | None:
    """``text`` as a whole number (any script's digits: Persian ۱۳۷۷ is 1377), None if empty."""
    text = text.strip()
    if not text:
        return None
    # Nine digits at most: no date part needs more, and int() of more than 4300 digits is a
    # ValueError (a 500) rather than a message.
    if not text.isdecimal() or len(text) > 9:
        raise ValidationError(message, code=code)
    return int(text)


class PartialDateField(forms.MultiValueField):
    """A date known to the year, the month or the day, with the precision chosen explicitly:
    cleaned to a ``DateEntry`` whose date is the first day of its period."""

    widget = PartialDateWidget
    default_error_messages = {
        "year": _("Give the year as a number, e.g. 1998."),
        "month": _("Give the month as a number from 1 to 12."),
        "day": _("Give the day as a number from 1 to 31."),
        "no_month": _("There is no month %(month)s: give a number from 1 to 12."),
        "no_day": _("%(month)s has no day %(day)s."),
        "no_year": _("Give the year of the date, or clear its precision."),
        "no_precision": _("Choose the precision of the date: year, month or day."),
        "finer_than_year": _(
            "The precision is “%(precision)s”: clear the month and the day, or choose a finer "
            "precision."
        ),
        "finer_than_month": _("The precision is “month”: clear the day, or choose “day”."),
        "month_missing": _("The precision is “%(precision)s”: give the month too."),
        "day_missing": _("The precision is “day”: give the day too."),
        "required": _("Give the date."),
    }

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.ChoiceField(required=False, choices=PRECISION_CHOICES),
            forms.CharField(required=False, max_length=100),
        )
        kwargs.setdefault("required", False)
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> DateEntry:
        if not isinstance(value, list | tuple):  # a disabled field cleans its initial value
            value = parts(value)
        entry: DateEntry = super().clean(value)
        return entry

    def compress(self, data_list: list[Any]) -> DateEntry:
        if not data_list:
            return DateEntry(None)
        year_text, month_text, day_text, precision, written = (
            str(part or "") for part in data_list
        )
        errors = self.error_messages
        year = whole_number(year_text, errors["year"], "year")
        month = whole_number(month_text, errors["month"], "month")
        day = whole_number(day_text, errors["day"], "day")
        written = written.strip()
        if year is None and month is None and day is None:
            if precision:
                raise ValidationError(errors["no_year"], code="no_year")
            return DateEntry(None, "", written)
        if year is None or not 1 <= year <= 9999:
            code = "no_year" if year is None else "year"
            raise ValidationError(errors[code], code=code)
        if not precision:
            raise ValidationError(errors["no_precision"], code="no_precision")
        label = dict(PRECISION_CHOICES)[precision]
        if precision in YEARLY and (month is not None or day is not None):
            raise ValidationError(
                errors["finer_than_year"], code="finer_than_year", params={"precision": label}
            )
        if precision == Precision.MONTH and day is not None:
            raise ValidationError(errors["finer_than_month"], code="finer_than_month")
        if precision in (Precision.MONTH, Precision.DAY) and month is None:
            raise ValidationError(
                errors["month_missing"], code="month_missing", params={"precision": label}
            )
        if precision == Precision.DAY and day is None:
            raise ValidationError(errors["day_missing"], code="day_missing")
        if month is not None and not 1 <= month <= 12:
            raise ValidationError(errors["no_month"], code="no_month", params={"month": month})
        try:
            first = datetime.date(year, month or 1, day or 1)
        except ValueError:
            period = date_at_precision(datetime.date(year, month or 1, 1), Precision.MONTH)
            raise ValidationError(
                errors["no_day"], code="no_day", params={"month": period, "day": day}
            ) from None
        return DateEntry(first, precision, written)

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(parts(initial) != parts(data))


class PartialDateFormMixin:
    """Each partial date of the model that the form edits is one ``PartialDateField``, in
    place of its date, precision and "as written" columns.

    The precision and the text are still form fields (hidden, never rendered: the date's
    boxes post under their names), so that code asking whether the form edits a column
    (a revert keeps the columns the form does not show) sees that it does."""

    partial_dates: list[str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        model = form._meta.model
        names = model.partial_date_names() if hasattr(model, "partial_date_names") else []
        self.partial_dates = [name for name in names if name in form.fields]
        instance = form.instance
        for name in self.partial_dates:
            replaced = form.fields[name]
            form.fields[name] = PartialDateField(
                label=replaced.label,
                required=replaced.required,
                disabled=replaced.disabled,
                help_text=_(
                    "As precise as the source: the year, the month or the day, with its "
                    "precision; and the date as the source writes it, if in another calendar "
                    'or words (e.g. "1377 SH").'
                ),
            )
            stored = DateEntry(
                getattr(instance, name),
                getattr(instance, f"{name}_precision", ""),
                getattr(instance, f"{name}_as_written", ""),
            )
            if instance.pk is not None or stored.date is not None or name not in form.initial:
                form.initial[name] = stored
            for suffix in ("_precision", "_as_written"):
                form.fields[f"{name}{suffix}"] = forms.CharField(
                    required=False,
                    widget=forms.HiddenInput,
                    initial=getattr(instance, f"{name}{suffix}", ""),
                )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        instance = self.instance  # type: ignore[attr-defined]
        for name in self.partial_dates:
            entry = cleaned.get(name)
            if not isinstance(entry, DateEntry):
                continue
            cleaned[name] = entry.date
            for suffix, value in (
                ("_precision", entry.precision),
                ("_as_written", entry.as_written),
            ):
                cleaned[f"{name}{suffix}"] = value
                # Set here: the columns are not among the admin's form fields, which
                # construct_instance copies, and the model's checks read them.
                setattr(instance, f"{name}{suffix}", value)
        return cleaned


class PartialDateForm(PartialDateFormMixin, forms.ModelForm):
    """The admin form of a record with partial dates."""


class PartialDateHistoryContext(HistoricalRecordContextHelper):
    """A history's changes with each partial date at its precision ("1998 → May 1998"),
    not as the first day of its period ("1998-01-01 → 1998-05-01")."""

    def context_for_delta_changes(self, delta: Any) -> list[dict[str, Any]]:
        self.versions = {"old": delta.old_record, "new": delta.new_record}
        return super().context_for_delta_changes(delta)

    def format_delta_change(self, change: Any) -> Any:
        formatted = super().format_delta_change(change)
        names = self.model.partial_date_names() if hasattr(self.model, "partial_date_names") else []
        for name in names:
            if change.field == name:
                return dataclasses.replace(
                    formatted,
                    old=self.at_precision(name, "old"),
                    new=self.at_precision(name, "new"),
                )
            if change.field in (f"{name}_precision", f"{name}_as_written"):
                label = self.model._meta.get_field(name).verbose_name
                part = self.model._meta.get_field(change.field).verbose_name
                formatted = dataclasses.replace(
                    formatted, field=format_html("{} ({})", capfirst(label), part)
                )
            if change.field == f"{name}_precision":
                labels = dict(Precision.choices)
                return dataclasses.replace(
                    formatted,
                    old=labels.get(change.old, change.old or ""),
                    new=labels.get(change.new, change.new or ""),
                )
        return formatted

    def at_precision(self, name: str, which: str) -> str:
        version = self.versions.get(which)
        day = getattr(version, name, None)
        if day is None:
            return "—"
        precision = getattr(version, f"{name}_precision", "") or Precision.DAY
        return str(PartialDate(day, precision))


def when(fields: Any, names: set[str]) -> Any:
    """``fields`` of a fieldset with each partial date ``x`` as its ``x_when``."""
    if isinstance(fields, list | tuple):
        return type(fields)(when(field, names) for field in fields)
    return f"{fields}_when" if fields in names else fields


class PartialDateAdmin:
    """For the ``SimpleHistoryAdmin`` of a model with partial dates: its history gives them
    at their precision, and so does a page the user may only read (a city editor's view of
    a published record), where the admin would print a year as its 1 January."""

    model: Any

    def get_historical_record_context_helper(self, request: Any, historical_record: Any) -> Any:
        return PartialDateHistoryContext(self.model, historical_record)

    def read_only(self, request: Any, obj: Any) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)  # type: ignore[attr-defined]

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if not self.read_only(request, obj):
            return fieldsets
        names = set(self.model.partial_date_names())
        return [
            (title, {**options, "fields": when(options["fields"], names)})
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if self.read_only(request, obj):
            readonly += [f"{name}_when" for name in self.model.partial_date_names()]
        return readonly


def decade_filter(field: str, title: Any) -> type[admin.SimpleListFilter]:
    """A changelist filter by the decade of the partial date ``field``: the stand-in for a
    date hierarchy, which would offer a day and a month for a date known to the year."""

    class DecadeFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_decade"

        def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
            latest = datetime.date.today().year // 10 * 10
            decades = [(str(start), f"{start}–{start + 9}") for start in range(latest, 1940, -10)]
            return [*decades, ("before", _("before 1950")), ("none", _("date not stated"))]

        def queryset(self, request: Any, queryset: Any) -> Any:
            value = self.value()
            if not value:
                return queryset
            if value == "none":
                return queryset.filter(**{f"{field}__isnull": True})
            if value == "before":
                return queryset.filter(**{f"{field}__lt": datetime.date(1950, 1, 1)})
            if (
                not (value.isascii() and value.isdigit())
                or len(value) > 4
                or int(value) % 10
                or int(value) > 9980
            ):
                return queryset.none()  # a forged decade selects nothing rather than all
            start = int(value)
            return queryset.filter(
                **{
                    f"{field}__gte": datetime.date(max(start, 1), 1, 1),
                    f"{field}__lt": datetime.date(start + 10, 1, 1),
                }
            )

    DecadeFilter.title = title
    DecadeFilter.__name__ = f"{field.capitalize()}DecadeFilter"
    return DecadeFilter
