"""Dates as sources state them: "1998", "February 2021", "20 September 2022".

A partial date is stored in three columns: a ``DateField`` holding the first day of the
period (so rows sort and filter correctly in the database), its precision, and optionally
the date as written in its original calendar ("1377 SH"). It is never displayed as
1 January: ``PartialDate.__str__`` renders only what is known, in the active language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .formats import date_at_precision

if TYPE_CHECKING:  # a development-only package; annotations are not evaluated at run time
    from django_stubs_ext import StrOrPromise


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    CIRCA = "circa", _("about (year)")


# From the finest to the coarsest: used to sort equal dates, the precise one first.
PRECISION_RANK: dict[str, int] = {
    Precision.DAY: 0,
    Precision.MONTH: 1,
    Precision.YEAR: 2,
    Precision.CIRCA: 3,
}


def truncate(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the period that ``value`` stands for at ``precision``."""
    if precision == Precision.MONTH:
        return value.replace(day=1)
    if precision in (Precision.YEAR, Precision.CIRCA):
        return value.replace(month=1, day=1)
    return value


@dataclass(frozen=True)
class PartialDate:
    date: datetime.date
    precision: str
    as_written: str = ""

    def __str__(self) -> str:
        """As the page's language writes it, at its precision (``common.formats``)."""
        if self.precision == Precision.CIRCA:
            year = date_at_precision(self.date, Precision.YEAR)
            return pgettext("approximate year", "c. %(year)s") % {"year": year}
        return date_at_precision(self.date, self.precision)

    @property
    def iso(self) -> str:
        """ISO 8601 at the stated precision: 2022-09-20, 2021-02 or 1998."""
        if self.precision == Precision.DAY:
            return self.date.isoformat()
        if self.precision == Precision.MONTH:
            return self.date.strftime("%Y-%m")
        return f"{self.date.year:04d}"

    @property
    def sort_key(self) -> tuple[datetime.date, int]:
        return (self.date, PRECISION_RANK.get(self.precision, 0))


class PartialDateDescriptor:
    """``obj.<name>_when``: the ``PartialDate`` made of ``<name>``, its precision and text."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner

    @property
    def short_description(self) -> Any:
        """The column's name, where the admin shows the date read-only or in a list."""
        return self.owner._meta.get_field(self.field).verbose_name  # type: ignore[attr-defined]

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = getattr(instance, self.field)
        if value is None:
            return None
        return PartialDate(
            value,
            getattr(instance, f"{self.field}_precision") or Precision.DAY,
            getattr(instance, f"{self.field}_as_written", ""),
        )


def partial_date_fields(
    verbose_name: StrOrPromise,
) -> tuple[models.Field, models.Field, models.Field]:
    """The three columns of a partial date, to unpack into a model body."""
    return (
        models.DateField(
            verbose_name,
            null=True,
            blank=True,
            help_text=_("For a year or a month, any day in it: it is stored as the first day."),
        ),
        models.CharField(
            _("precision"),
            max_length=5,
            choices=Precision.choices,
            blank=True,
            help_text=_("How much of the date the source states."),
        ),
        models.CharField(
            _("as written"),
            max_length=100,
            blank=True,
            help_text=_('The date in its original calendar or wording, e.g. "1377 SH".'),
        ),
    )


def partial_date_constraints(field: str, prefix: str) -> list[models.BaseConstraint]:
    """A date has a precision exactly when it is set; the precision is one of the choices."""
    precision = f"{field}_precision"
    return [
        models.CheckConstraint(
            condition=(
                Q(**{f"{field}__isnull": True, precision: ""})
                | Q(**{f"{field}__isnull": False, f"{precision}__in": Precision.values})
            ),
            name=f"{prefix}_{field}_precision_valid",
            violation_error_message=_("A date needs a precision, and a precision needs a date."),
        )
    ]


class PartialDateModel(models.Model):
    """Normalises every partial date of the model to the first day of its period."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalise_partial_dates()
        super().save(*args, **kwargs)

    @classmethod
    def partial_date_names(cls) -> list[str]:
        return [
            attribute.field
            for klass in cls.__mro__
            for attribute in vars(klass).values()
            if isinstance(attribute, PartialDateDescriptor)
        ]

    def normalise_partial_dates(self) -> None:
        for field in self.partial_date_names():
            # Imports and scripts may give "1998-05-01"; the column holds a date.
            column: Any = self._meta.get_field(field)
            value = column.to_python(getattr(self, field))
            precision = getattr(self, f"{field}_precision")
            if value is not None and not precision:
                setattr(self, f"{field}_precision", Precision.DAY)
            elif value is not None:
                setattr(self, field, truncate(value, precision))

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field in self.partial_date_names():
            if getattr(self, field) is None and getattr(self, f"{field}_precision"):
                errors[field] = _("Give the date, or clear its precision.")
        if errors:
            raise ValidationError(errors)
        self.normalise_partial_dates()
