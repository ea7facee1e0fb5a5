"""Charts of a filtered set of partnerships, laid out here and drawn as SVG by templates.

Each chart comes with its data as a table, its text alternative. Right-to-left pages get the
mirror image: bars grow from the right, labels sit on the right.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries import countries

from agreements.models import Partnership, PartnershipFacet
from cities.models import City, local_names

from .templatetags.directory import city_name

BAR_HEIGHT = 22
BAR_GAP = 6
LABEL_WIDTH = 190
CHART_WIDTH = 640
TOP_CITIES = 10
MATRIX_COUNTRIES = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    x: float
    width: float
    label_x: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    width: int
    label_anchor: str
    value_anchor: str


def bar_chart(rows: list[tuple[str, int]], rtl: bool = False) -> BarChart:
    """Horizontal bars, longest = the whole plotting width."""
    largest = max((value for _, value in rows), default=0) or 1
    plot = CHART_WIDTH - LABEL_WIDTH - 50
    bars = []
    for index, (label, value) in enumerate(rows):
        length = plot * value / largest
        y = index * (BAR_HEIGHT + BAR_GAP)
        if rtl:
            start = CHART_WIDTH - LABEL_WIDTH - length
            bars.append(
                Bar(label, value, y, start, length, CHART_WIDTH - LABEL_WIDTH + 8, start - 6)
            )
        else:
            bars.append(
                Bar(label, value, y, LABEL_WIDTH, length, LABEL_WIDTH - 8, LABEL_WIDTH + length + 6)
            )
    return BarChart(
        bars=bars,
        height=max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        width=CHART_WIDTH,
        label_anchor="start" if rtl else "end",
        value_anchor="end" if rtl else "start",
    )


def facet_values(records: QuerySet[Partnership], facet: str) -> dict[str, int]:
    return dict(
        PartnershipFacet.objects.current()
        .filter(record__in=records.order_by().values("pk"), facet=facet)
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    )


def decades(records: QuerySet[Partnership], rtl: bool = False) -> BarChart:
    """Partnerships established per decade, oldest first."""
    counts = facet_values(records, "decade")
    return bar_chart(
        [
            (_("%(decade)ss") % {"decade": decade}, counts[decade])
            for decade in sorted((value for value in counts if value.isdigit()), key=int)
        ],
        rtl,
    )


def most_connected_cities(records: QuerySet[Partnership], rtl: bool = False) -> BarChart:
    """The cities with the most partnerships in the set."""
    counts: dict[int, int] = defaultdict(int)
    for side in ("city_a", "city_b"):
        for city_id, n in records.order_by().values_list(side).annotate(n=Count("pk")):
            counts[city_id] += n
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_CITIES]
    cities = City.objects.prefetch_related(local_names()).in_bulk([city_id for city_id, _ in top])
    return bar_chart([(city_label(cities[city_id]), n) for city_id, n in top], rtl)


class MarkedUpLabel(str):
    """A label whose text is plain ("Roma (IT)", as tables and tests read it) and which
    templates write as its markup (``__html__``, what autoescaping asks for)."""

    markup: SafeString

    def __new__(cls, text: str, markup: SafeString) -> MarkedUpLabel:
        label = super().__new__(cls, text)
        label.markup = markup
        return label

    def __reduce__(self) -> tuple[type[MarkedUpLabel], tuple[str, SafeString]]:
        return MarkedUpLabel, (str(self), self.markup)  # copies keep it (dataclasses.asdict)

    def __html__(self) -> SafeString:
        return self.markup


def city_label(city: City) -> MarkedUpLabel:
    """A city's name in the page's language when stored and its country's code, "Roma (IT)";
    in a template, the name marked up as ``city_name`` does it (its language, and isolated
    from the page's direction)."""
    text = f"{city.display_name} ({city.country.code})"
    return MarkedUpLabel(text, format_html("{} ({})", city_name(city), city.country.code))


@dataclass(frozen=True)
class Matrix:
    codes: list[str]
    names: list[str]
    cells: list[list[int]]
    largest: int
    others: int

    @property
    def rows(self) -> list[tuple[str, str, list[tuple[int, float]]]]:
        """Each country with its cells as (count, shade between 0 and 1)."""
        return [
            (code, name, [(n, n / self.largest if self.largest else 0.0) for n in row])
            for code, name, row in zip(self.codes, self.names, self.cells, strict=True)
        ]


def country_pairs(records: QuerySet[Partnership]) -> Matrix:
    """Partnerships between the countries that take part in most of them, country by country.

    The diagonal holds partnerships within one country; ``others`` counts those involving a
    country outside the matrix.
    """
    pairs = facet_values(records, "pair")
    weight: dict[str, int] = defaultdict(int)
    for pair, n in pairs.items():
        first, second = pair.split("-")
        weight[first] += n
        if second != first:
            weight[second] += n
    codes = sorted(weight, key=lambda code: (-weight[code], code))[:MATRIX_COUNTRIES]
    position = {code: index for index, code in enumerate(codes)}
    cells = [[0] * len(codes) for _ in codes]
    others = 0
    for pair, n in pairs.items():
        first, second = pair.split("-")
        if first in position and second in position:
            cells[position[first]][position[second]] = n
            cells[position[second]][position[first]] = n
        else:
            others += n
    largest = max((max(row) for row in cells), default=0)
    return Matrix(codes, [str(countries.name(code)) for code in codes], cells, largest, others)
