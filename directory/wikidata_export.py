"""Back to Wikidata: the published partnerships that Wikidata lacks, as QuickStatements.

Wikidata states a partnership as "twinned administrative body" (P190) on each of the two
items. A pair is *known to Wikidata* when any record of it (any kind, any state) cites a
Wikidata source: the one the ``wikidata`` import profile creates (``data/wikidata-p190``) or
any source whose address is on wikidata.org. The export holds the other published
partnerships between two cities that both have a Wikidata id, with a web address to give as
the statement's reference: one QuickStatements (V1) command per direction,

    Q220<TAB>P190<TAB>Q2044<TAB>P580<TAB>+1988-00-00T00:00:00Z/9<TAB>S854<TAB>"https://…"

with the start (P580) and end (P582) time when the record states them to the day, month or
year, and the source's URL (S854) and access date (S813). Institutional twinnings (museums,
universities) are not between administrative bodies and proposed partnerships are not yet
partnerships: neither is exported, nor an ended one without its end date (the statement
would read as current). The browse page's filters narrow it (``?country=IT``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from agreements.filters import PartnershipFilter
from agreements.importing import PROFILES
from agreements.models import Partnership, PartnershipKind, PartnershipStatus
from cities.models import Citation, Source
from common.dates import Precision
from common.overload import expensive
from publishing.facets import clean_query
from publishing.page_cache import QuerySpec, public_page

QUERY = QuerySpec.of(PartnershipFilter)
# Wikidata's time precisions (https://www.wikidata.org/wiki/Help:Dates#Precision).
TIME_PRECISION = {Precision.YEAR: 9, Precision.MONTH: 10, Precision.DAY: 11}
# Which record of a pair gives the qualifiers when it has several kinds.
KIND_ORDER: list[str] = [
    PartnershipKind.SISTER_CITY,
    PartnershipKind.FRIENDSHIP,
    PartnershipKind.COOPERATION,
]
CHUNK = 2000  # ids per IN list


def wikidata_sources() -> QuerySet[Source]:
    """The sources that are Wikidata itself: what cites them is known to Wikidata."""
    profile = PROFILES["wikidata"]
    return Source.objects.filter(
        Q(title=profile.source_title, publisher=profile.publisher)
        | Q(url__startswith="https://www.wikidata.org/")
        | Q(url__startswith="http://www.wikidata.org/")
    )


def citations(source_ids: list[int], *, of_them: bool) -> QuerySet[Citation]:
    """The citations of partnerships by the sources ``source_ids`` (or by any other)."""
    content_type = ContentType.objects.get_for_model(Partnership)
    cited = Citation.objects.filter(content_type=content_type)
    in_sources = Q(source_id__in=source_ids)
    return cited.filter(in_sources if of_them else ~in_sources)


def missing_from_wikidata(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Those of ``partnerships`` (published ones) to contribute to Wikidata: between two
    cities with Wikidata ids, of a pair no record of which (any kind, any state) cites
    Wikidata, and citing a source with a web address to give as the reference."""
    # Its few ids once, rather than a subquery in each of the per-row subqueries below.
    wikidata = list(wikidata_sources().values_list("pk", flat=True))
    known = Partnership.objects.filter(
        city_a=OuterRef("city_a"),
        city_b=OuterRef("city_b"),
        pk__in=citations(wikidata, of_them=True).values("object_id"),
    )
    referenced = citations(wikidata, of_them=False).filter(object_id=OuterRef("pk"))
    return (
        partnerships.filter(
            city_a__wikidata_id__isnull=False,
            city_b__wikidata_id__isnull=False,
            kind__in=KIND_ORDER,
        )
        .exclude(status=PartnershipStatus.PROPOSED)
        .exclude(status=PartnershipStatus.ENDED, ended__isnull=True)
        .filter(~Exists(known))
        .filter(Exists(referenced.exclude(source__url="")))
    )


def references(pks: list[int]) -> dict[int, tuple[str, datetime.date | None]]:
    """The URL and access date of each partnership's first cited source with a web address
    that is not Wikidata (the one a pair's commands give as their reference)."""
    wikidata = list(wikidata_sources().values_list("pk", flat=True))
    found: dict[int, tuple[str, datetime.date | None]] = {}
    for start in range(0, len(pks), CHUNK):
        rows = (
            citations(wikidata, of_them=False)
            .filter(object_id__in=pks[start : start + CHUNK])
            .exclude(source__url="")
            .order_by("object_id", "source_id", "pk")
            .values_list("object_id", "source__url", "source__accessed")
        )
        for pk, url, accessed in rows:
            found.setdefault(pk, (url, accessed))
    return found


def wikidata_time(date: datetime.date | None, precision: str) -> str:
    """A date as QuickStatements writes a time at its precision: +1967-00-00T00:00:00Z/9."""
    if date is None or precision not in TIME_PRECISION:
        return ""
    code = TIME_PRECISION[precision]  # type: ignore[index]
    month = f"{date.month:02d}" if code >= 10 else "00"
    day = f"{date.day:02d}" if code >= 11 else "00"
    return f"+{date.year:04d}-{month}-{day}T00:00:00Z/{code}"


def quoted_url(url: str) -> str:
    """A URL as a QuickStatements string: a quote, tab or line break in it would end the
    string or the command, so they are percent-encoded."""
    return '"' + quote(url, safe="".join(chr(c) for c in range(33, 127) if chr(c) != '"')) + '"'


def commands(partnerships: QuerySet[Partnership]) -> Iterator[str]:
    """The QuickStatements V1 commands for ``partnerships``: two per pair, one on each item."""
    rows = (
        missing_from_wikidata(partnerships)
        .order_by("city_a_id", "city_b_id", "pk")
        .values_list(
            "pk",
            "city_a__wikidata_id",
            "city_b__wikidata_id",
            "kind",
            "established",
            "established_precision",
            "ended",
            "ended_precision",
        )
    )
    best: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    for row in rows:  # one statement per pair: the record of the most usual kind states it
        pair = (row[1], row[2])
        if pair not in best or KIND_ORDER.index(row[3]) < KIND_ORDER.index(best[pair][3]):
            best[pair] = row
    cited = references([row[0] for row in best.values()])
    for pk, item_a, item_b, _kind, start, start_precision, end, end_precision in best.values():
        qualifiers = []
        if start_time := wikidata_time(start, start_precision):
            qualifiers += ["P580", start_time]
        if end_time := wikidata_time(end, end_precision):
            qualifiers += ["P582", end_time]
        url, accessed = cited[pk]
        reference = ["S854", quoted_url(url)]
        if accessed:
            reference += ["S813", wikidata_time(accessed, Precision.DAY)]
        for subject, value in ((item_a, item_b), (item_b, item_a)):
            yield "\t".join([subject, "P190", value, *qualifiers, *reference])


def filtered_partnerships(request: HttpRequest) -> QuerySet[Partnership]:
    """Published partnerships narrowed by the browse page's filters; a bad filter is a 400."""
    filterset = PartnershipFilter(
        clean_query(request.GET), queryset=Partnership.objects.published(), request=request
    )
    if not filterset.is_valid():
        raise BadRequest(
            " ".join(str(message) for messages in filterset.errors.values() for message in messages)
        )
    return filterset.qs


@require_safe
@public_page(query=QUERY)
@expensive
def quickstatements(request: HttpRequest) -> HttpResponse:
    body = "".join(f"{command}\n" for command in commands(filtered_partnerships(request)))
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    name = f"twinning-quickstatements-{timezone.localdate():%Y-%m-%d}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@public_page(query=QUERY)
@expensive
def wikidata_page(request: HttpRequest) -> HttpResponse:
    # Counted as the download writes them (one pair, two commands); the page is cached.
    pairs = sum(1 for _ in commands(filtered_partnerships(request))) // 2
    query = request.GET.urlencode()
    return render(
        request,
        "pages/wikidata.html",
        {"pairs": pairs, "query": query, "filtered": bool(query)},
    )
