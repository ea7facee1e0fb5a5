"""Numbers, dates and coordinates as each language writes them, from CLDR (Babel).

One layer for every page, chart, map caption and citation: grouping separators ("5,457",
"5.457", "۵٬۴۵۷"), each language's own digits (Persian pages write ۰–۹), its month forms and
word order ("settembre 2022", "tháng 9 năm 2022"), dates at their precision, and coordinates
written so that a decimal comma cannot be read as the separator between them.

Django's own formats (``formats.date_format``) follow Django's locale files, which lack
Vietnamese month forms and write Italian months capitalised: CLDR is the reference.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, get_decimal_symbol
from django.conf import settings
from django.utils import translation

# CLDR numbering systems whose digits are not Latin, as used by our languages' locales.
DIGITS = {
    "arabext": "۰۱۲۳۴۵۶۷۸۹",  # Persian
    "arab": "٠١٢٣٤٥٦٧٨٩",  # Arabic
}

Number = int | float | Decimal


def language() -> str:
    """The active language as a CLDR locale name ("en", "fa")."""
    return (translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")


@functools.lru_cache(maxsize=32)
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (ValueError, LookupError):
        return Locale.parse("en")


@functools.lru_cache(maxsize=32)
def _digit_table(name: str) -> dict[int, int]:
    digits = DIGITS.get(_locale(name).default_numbering_system)
    return str.maketrans("0123456789", digits) if digits else {}


def native_digits(text: str, name: str | None = None) -> str:
    """``text`` with Latin digits written in the language's own (Persian ۰–۹)."""
    table = _digit_table(name or language())
    return text.translate(table) if table else text


def number(value: Number | None, name: str | None = None, decimals: int | None = None) -> str:
    """``value`` with the language's grouping and decimal separators and digits; "" for None.

    ``decimals``: exactly that many decimal places (coordinates); otherwise as many as the
    value has, up to three.
    """
    if value is None:
        return ""
    name = name or language()
    if decimals is None and isinstance(value, int):
        return _whole_number(value, name)  # counts: a few distinct ones per page, many pages
    pattern = None if decimals is None else "#,##0." + "0" * decimals if decimals else "#,##0"
    text = format_decimal(value, format=pattern, locale=_locale(name), numbering_system="default")
    return native_digits(text, name)


@functools.lru_cache(maxsize=4096)
def _whole_number(value: int, name: str) -> str:
    text = format_decimal(value, locale=_locale(name), numbering_system="default")
    return native_digits(text, name)


def date_at_precision(value: datetime.date, precision: str, name: str | None = None) -> str:
    """A date as precise as its source: "20 settembre 2022", "tháng 2 năm 2021", "1998".

    ``precision`` is one of ``common.dates.Precision``'s values (day, month, year, circa:
    a circa year is written by the caller around this year).
    """
    name = name or language()
    locale = _locale(name)
    if precision == "day":
        text = format_date(value, "long", locale=locale)
    elif precision == "month":
        text = format_skeleton("yMMMM", value, locale=locale)
    else:
        text = format_skeleton("y", value, locale=locale)
    return native_digits(text, name)


def coordinates(latitude: Number | None, longitude: Number | None, name: str | None = None) -> str:
    """Latitude and longitude with their hemispheres, "43.7793° N, 11.2463° E"; in a
    language whose decimal separator is a comma the two are parted by a semicolon
    ("43,7793° N; 11,2463° E"), so that no comma is ambiguous."""
    if latitude is None or longitude is None:
        return ""
    name = name or language()
    north = "N" if latitude >= 0 else "S"
    east = "E" if longitude >= 0 else "W"
    decimal = get_decimal_symbol(_locale(name), numbering_system="default")
    separator = "; " if decimal == "," else ", "
    return (
        f"{number(abs(latitude), name, decimals=4)}° {north}{separator}"  # type: ignore[arg-type]  # abs of a Number
        f"{number(abs(longitude), name, decimals=4)}° {east}"  # type: ignore[arg-type]
    )
