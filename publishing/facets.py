"""Faceted browsing: OR within a facet, AND across facets, counts that honour the other filters.

A listing's facets live in a *facet index*: one row per record, facet and value, e.g.
(partnership 7, "country", "IT"). Filtering on a facet is a semi-join on that index. The counts of
all facets without a selection come from one GROUP BY over the filtered records; each facet with a
selection gets one more query, over the records filtered by the *other* facets only, so that
choosing Italy still shows how many partnerships Iran has (the usual faceted-search rule).

The same FilterSet therefore drives a browse page, its facet counts, its exports and the API list.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db import connections, models, router, transaction
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.choices import CallableChoiceIterator
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from pyroaring import AbstractBitMap, BitMap

from .bitmaps import STORES, Bitmaps, on_warm
from .caching import cached, cached_count
from .events import bulk_write
from .models import read_version

# What a record's index rows should be: (record, facet, value), or with a fourth item, the
# last day the row counts (a network membership's end), None for good.
IndexRow = tuple[int, str, str] | tuple[int, str, str, datetime.date | None]
FacetRows = set[IndexRow]


class FacetRowQuerySet(models.QuerySet):
    def current(self) -> FacetRowQuerySet:
        """The rows that count today: no end, or an end not yet passed. A facet such as
        "current member of a network" is thus right on the day it is read, not frozen on the
        day the record was saved (the read version includes the day, see ``models``)."""
        return self.filter(Q(until__isnull=True) | Q(until__gte=timezone.localdate()))


# For each model whose changes alter an index's rows: the records of the index that a changed
# instance touches (a queryset of the index's record model, with ``refresh_facets()``).
Dependencies = dict[type[models.Model], Callable[[Any], QuerySet]]

_indexes_deferred: ContextVar[bool] = ContextVar("indexes_deferred", default=False)


def indexes_are_deferred() -> bool:
    return _indexes_deferred.get()


@contextmanager
def indexes_deferred() -> Iterator[None]:
    """A bulk write: within, saves do not refresh the facet indexes (the writer refreshes what
    it touched once at the end) and announce nothing; the block announces one public change
    at its end (``publishing.events.bulk_write``). Per context, so other requests are not
    affected."""
    token = _indexes_deferred.set(True)
    try:
        with bulk_write():
            yield
    finally:
        _indexes_deferred.reset(token)


class FacetRow(models.Model):
    """One (record, facet, value) row of a listing's facet index. Subclasses add ``record``
    and declare, in ``depends_on()``, what keeps their rows true: ``publishing.signals``
    connects one receiver per dependency, so no app writes receivers of its own."""

    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=64)
    until = models.DateField(null=True, blank=True)

    objects = FacetRowQuerySet.as_manager()

    # Derived from the records: writing it is no change of its own (publishing/events.py).
    is_derived = True

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"

    @classmethod
    def depends_on(cls) -> Dependencies:
        """The models whose saves and deletes (or, for an m2m ``through`` model, changes of
        the relation) alter rows of this index, each with the records it touches."""
        return {}


def sync_facet_rows(index: Any, record_ids: Iterable[int], desired: FacetRows) -> None:
    """Make the index rows of ``record_ids`` exactly ``desired``, touching only what changed.

    ``index`` is a concrete FacetRow subclass (with its ``record`` foreign key).
    """
    ids = list(record_ids)
    wanted = {row if len(row) == 4 else (*row, None) for row in desired}
    with transaction.atomic():
        existing = set(
            index.objects.filter(record_id__in=ids).values_list(
                "record_id", "facet", "value", "until"
            )
        )
        for record_id, facet, value, _until in existing - wanted:
            index.objects.filter(record_id=record_id, facet=facet, value=value).delete()
        insert_facet_rows(index, sorted(wanted - existing, key=lambda row: row[:3]))


def insert_facet_rows(index: Any, rows: list[tuple[Any, ...]]) -> None:
    """Insert (record, facet, value, until) rows with one prepared statement.

    Not ``bulk_create``: building a model instance per row took a sixth of the open-data load
    (400,000 rows, 13 of 79 s, measured with cProfile on ``load_open_data``). The rows are
    ids, strings and dates; only the dates need the backend's adaptation.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(index)]
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(index._meta.get_field(name).column) for name in ("record", "facet", "value", "until")
    )
    # Names from the model's options, quoted; the values go as parameters.
    sql = f"INSERT INTO {quote(index._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(record, facet, value, adapt(until)) for record, facet, value, until in rows]
        )


class FacetChoiceField(forms.MultipleChoiceField):
    """A repeated query parameter whose every value must be known; the error names it."""

    default_error_messages = {
        "invalid_choice": _("%(value)s is not a known value of this filter."),
    }

    def __deepcopy__(self, memo: dict[int, Any]) -> FacetChoiceField:
        # Every form deep-copies its fields; the choices (250 countries, 130 decades) are
        # never changed in place, so the copy shares them instead of copying each request.
        # Django's own copy doubles the cost of a bound PartnershipFilter (3.2 against
        # 6.7 ms, perf/internals.py): a fifth of the uncached browse page's budget.
        result = copy.copy(self)
        memo[id(self)] = result
        # Nor does the widget copy them: Django's sets them again, which normalises them.
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class CountryChoiceField(FacetChoiceField):
    """ISO 3166-1 alpha-2 codes, accepted in either case ("it" is Italy)."""

    def to_python(self, value: Any) -> list[str]:
        return [str(code).upper() for code in super().to_python(value)]


class FacetFilter(django_filters.MultipleChoiceFilter):
    """A facet: its values are ORed, and it filters through the FilterSet's facet index."""

    field_class = FacetChoiceField

    def __init__(
        self,
        *args: Any,
        facet: str = "",
        searchable: bool = False,
        shown: bool = True,
        **kwargs: Any,
    ) -> None:
        self.facet = facet
        self.searchable = searchable
        self.shown = shown
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> FacetFilter:
        # Each FilterSet deep-copies its filters, and with them their choices (250 countries);
        # the choices are never changed in place, so the copy shares them (measured with
        # the field's copy above, perf/internals.py).
        result = copy.copy(self)
        memo[id(self)] = result
        result.extra = self.extra.copy()
        return result

    def option_label(self, value: str, labels: dict[str, Any]) -> str:
        """How a value shows in the panel; ``labels`` are the form field's choices."""
        return str(labels.get(value, value))

    def filter(self, qs: QuerySet, value: list[str]) -> QuerySet:
        if not value:
            return qs
        index = self.parent.facet_index  # type: ignore[attr-defined]  # set by FilterSet
        return qs.filter(
            pk__in=index.objects.current()
            .filter(facet=self.facet or self.field_name, value__in=value)
            .values("record_id")
        )


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[FacetOption]
    searchable: bool = False
    shown: bool = True
    selected: list[FacetOption] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"facet-{self.name}"


def clean_query(data: QueryDict) -> QueryDict:
    """The query without empty values, so an empty text box is no filter rather than an error."""
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            cleaned.setlist(key, kept)
    return cleaned


_FORM_CLASSES: dict[tuple[type, tuple[str, ...]], type[forms.Form]] = {}
_LABELS: dict[tuple[type, str, str | None], dict[str, str]] = {}


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet with a facet index and facet counts.

    ``facet_index`` is the FacetRow model of the listing; ``facet_order`` the facets as shown.
    """

    facet_index: Any  # the listing's concrete FacetRow model
    # Options per facet, sorted by count; a searchable facet shows all its options.
    visible_options = 8

    def get_form_class(self) -> type[forms.Form]:
        """The form of this FilterSet's filters, built once per process as a declared form
        is. django-filter builds a new form class for every FilterSet, and with it a field
        for every filter, each normalising its choices (250 countries, 130 decades)
        (perf/internals.py)."""
        key = (type(self), tuple(self.filters))
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            # Choices from the database (themes, networks: callables) are read once per
            # request, then serve both validation and the labels of the panel. Fixed lists
            # (250 countries, 130 decades) are left as they are: setting them again would
            # normalise them again (a millisecond a request, perf/internals.py).
            for name in self.facet_filters:
                field: Any = form.fields[name]
                if isinstance(field.choices, CallableChoiceIterator):
                    field.choices = list(field.choices)
        return self._form  # type: ignore[attr-defined]

    @property
    def facet_filters(self) -> dict[str, FacetFilter]:
        return {
            name: filter_
            for name, filter_ in self.filters.items()
            if isinstance(filter_, FacetFilter)
        }

    def selected(self, name: str) -> list[str]:
        if not self.is_valid():
            return []
        return list(self.form.cleaned_data.get(name) or [])

    def queryset_without(self, name: str) -> QuerySet:
        """The records matched by every filter but ``name``."""
        qs = self.queryset.all()  # type: ignore[union-attr]  # always given
        for other, value in self.form.cleaned_data.items():
            if other != name:
                qs = self.filters[other].filter(qs, value)
        return qs

    def count_values(self, records: QuerySet, facets: list[str]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        index_facets = {self.facet_filters[name].facet or name: name for name in facets}
        rows = (
            self.facet_index.objects.current()
            .filter(record_id__in=records.order_by().values("pk"), facet__in=index_facets)
            .values_list("facet", "value")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for facet, value, n in rows:
            counts[index_facets[facet]][value] = n
        return counts

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """For each facet, how many records each of its values would give: from the bitmaps
        when they are ready (faster than a round trip to the shared cache and the SQL text
        of its key), else counted in the database and cached by the read version (a
        publication retires the counts)."""
        self.is_valid()  # binds cleaned_data (an unbound FilterSet: the home page's counts)
        bitmaps = self.bitmaps()
        if bitmaps is not None:
            return self.bitmap_counts(bitmaps)
        return cached("facets", self.cache_parts(), self.compute_facet_counts)

    def cache_parts(self) -> tuple[str, list[tuple[str, Any]]]:
        self.is_valid()  # binds cleaned_data; an invalid filterset never reaches here
        chosen = sorted(
            (name, tuple(sorted(value)) if isinstance(value, list) else value)
            for name, value in self.form.cleaned_data.items()
            if value and name != "sort"
        )
        return str(self.queryset.query), chosen  # type: ignore[union-attr]  # always given

    def compute_facet_counts(self) -> dict[str, dict[str, int]]:
        bitmaps = self.bitmaps()
        if bitmaps is not None:
            return self.bitmap_counts(bitmaps)
        # Hidden facets (a country pair) filter but show no counts: none are computed.
        names = [name for name, filter_ in self.facet_filters.items() if filter_.shown]
        active = [name for name in names if self.selected(name)]
        idle = [name for name in names if name not in active]
        counts: dict[str, dict[str, int]] = {name: {} for name in self.facet_filters}
        if idle:
            counts.update(self.count_values(self.qs, idle))
        for name in active:
            counts.update(self.count_values(self.queryset_without(name), [name]))
        return counts

    # -- bitmaps (publishing/bitmaps.py): the same counts from memory -------------------------

    # The records the listing shows (the published ones): when the FilterSet's queryset
    # selects exactly them, its facet counts may come from bitmaps, and pages in the default
    # order (``bitmap_order``, with no ``sort`` asked) too.
    bitmap_universe: Any = None
    bitmap_order: tuple[str, ...] = ("pk",)
    # Facets of the index held as bitmaps though no filter shows them: a method filter (a
    # text search) may build its mask from them in ``bitmap_mask``.
    bitmap_facets: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("bitmap_universe") is not None:
            on_warm(cls.warm_bitmaps)

    @classmethod
    def warm_bitmaps(cls) -> Bitmaps | None:
        """Build this listing's bitmaps before anyone asks (publishing.bitmaps.warm)."""
        return cls(QueryDict(), queryset=cls.bitmap_universe()).bitmaps()

    def in_universe(self) -> bool:
        """Whether the FilterSet's queryset selects what the bitmaps were built from. Given
        other records (a city's partnerships, a subquery) the bitmaps would count the whole
        directory: then everything is counted in the database."""
        if self.bitmap_universe is None:
            return False
        given: Any = self.queryset
        universe = self.bitmap_universe()
        return (
            given.model is universe.model
            and given.query.where == universe.query.where
            and not given.query.combinator
            and not given.query.is_sliced
        )

    def bitmaps(self) -> Bitmaps | None:
        if not self.in_universe():
            return None
        facets = [f.facet or name for name, f in self.facet_filters.items()]
        facets.extend(self.bitmap_facets)
        store = STORES[self.facet_index._meta.label]
        return store.get(
            self.facet_index, self.bitmap_universe(), facets, read_version(), self.bitmap_order
        )

    def masks(self, bitmaps: Bitmaps) -> dict[str, AbstractBitMap]:
        """Each active filter as a bitmap: facets from memory, the others (text search)
        from the ids the database gives, asked once per request (counts, total and page
        all need them)."""
        memo = self.__dict__.setdefault("_masks", {})
        if bitmaps.version not in memo:
            memo[bitmaps.version] = self.compute_masks(bitmaps)
        return memo[bitmaps.version]

    def compute_masks(self, bitmaps: Bitmaps) -> dict[str, AbstractBitMap]:
        masks: dict[str, AbstractBitMap] = {}
        for name, value in self.form.cleaned_data.items():
            if not value or name == "sort":
                continue
            filter_ = self.filters[name]
            if isinstance(filter_, FacetFilter) and (filter_.facet or name) in bitmaps.facets:
                masks[name] = bitmaps.any_of(filter_.facet or name, value)
            elif (mask := self.bitmap_mask(name, value, bitmaps)) is not None:
                masks[name] = mask
            else:  # any other filter: the database gives the ids
                ids = filter_.filter(self.bitmap_universe(), value).values_list("pk", flat=True)
                masks[name] = bitmaps.of_records(ids)
        return masks

    def bitmap_mask(self, name: str, value: Any, bitmaps: Bitmaps) -> AbstractBitMap | None:
        """The records a filter that is no facet selects, from the bitmaps if it can say
        (None: ask the database for their ids). Turning many ids into bits costs a Python
        step per record: a search by one letter matches 100,000 partnerships."""
        return None

    def bitmap_counts(self, bitmaps: Bitmaps) -> dict[str, dict[str, int]]:
        masks = self.masks(bitmaps)
        counts: dict[str, dict[str, int]] = {name: {} for name in self.facet_filters}
        for name, filter_ in self.facet_filters.items():
            if not filter_.shown:
                continue
            others = [mask for other, mask in masks.items() if other != name]
            within = BitMap.intersection(bitmaps.universe, *others) if others else bitmaps.universe
            counts[name] = bitmaps.counts(filter_.facet or name, within)
        return counts

    def matching(self, bitmaps: Bitmaps) -> AbstractBitMap:
        masks = list(self.masks(bitmaps).values())
        return BitMap.intersection(bitmaps.universe, *masks) if masks else bitmaps.universe

    def in_bitmap_order(self) -> bool:
        """Whether the results are in the bitmaps' order (``bitmap_order``, or a prefix of it
        followed by the id): then a page of them is a slice of the bitmaps."""
        query = self.qs.query
        order = tuple(query.order_by or (query.get_meta().ordering or ()))
        wanted = self.bitmap_order
        return order == wanted or (
            wanted[: len(order)] == order and wanted[len(order) :] == ("pk",)
        )

    def page_ids(self, offset: int, limit: int) -> list[int] | None:
        """The ids of a page of results, from the bitmaps (else None)."""
        if not self.in_bitmap_order():
            return None
        bitmaps = self.bitmaps()
        if bitmaps is None:
            return None
        return bitmaps.page(self.matching(bitmaps), offset, limit)

    def total(self) -> int:
        """How many records match: from the bitmaps when they are ready, else counted in the
        database (cached by the read version)."""
        self.is_valid()
        bitmaps = self.bitmaps()
        if bitmaps is not None:
            return len(self.matching(bitmaps))
        return cached_count(self.qs)

    def option_labels(self, name: str) -> dict[str, str]:
        """A facet's labels by value, in the active language. A fixed list of choices
        (250 countries, 130 decades) is translated once per process and language: read
        again on every page, its lazy labels cost a ``gettext`` each (7,900 a page).
        Choices from the database (themes, networks) are the bound form's, read once per
        request for validation and labels alike."""
        field: Any = self.form.fields[name]
        if isinstance(self.base_filters[name].extra.get("choices"), list):
            key = (type(self), name, translation.get_language())
            labels = _LABELS.get(key)
            if labels is None:
                labels = _LABELS[key] = {str(v): str(label) for v, label in field.choices}
            return labels
        return {str(value): str(label) for value, label in field.choices}

    def facets(self) -> list[Facet]:
        """The facet panel: each facet's values with counts, selected ones first.

        A value with no records under the other filters is hidden unless it is selected,
        so a facet never leads to an empty page.
        """
        counts = self.facet_counts()
        facets = []
        for name, filter_ in self.facet_filters.items():
            chosen = self.selected(name)
            values = set(counts[name]) | set(chosen)
            labels = self.option_labels(name)
            options = [
                FacetOption(v, filter_.option_label(v, labels), counts[name].get(v, 0), v in chosen)
                for v in values
            ]
            options.sort(key=lambda o: (not o.selected, -o.count, o.label))
            facets.append(
                Facet(
                    name=name,
                    label=str(filter_.label),
                    options=options,
                    searchable=filter_.searchable,
                    shown=filter_.shown,
                    selected=[o for o in options if o.selected],
                )
            )
        return facets


class Listing:
    """The records a faceted FilterSet selects, as every surface needs them: the browse pages,
    the API, the exports, the map and the charts all ask this object, so that a count, a page
    and a download of the same filters always agree.

    The FilterSet must be valid. Counts and pages come from the facet bitmaps when its
    queryset is the universe they were built from (``FacetedFilterSet.in_universe``), from
    the database otherwise.
    """

    def __init__(self, filterset: FacetedFilterSet) -> None:
        self.filterset = filterset

    def records(self) -> QuerySet:
        """The matching records, in the listing's order (for exports, maps and charts)."""
        return self.filterset.qs

    def facets(self) -> list[Facet]:
        return self.filterset.facets()

    def total(self) -> int:
        return self.filterset.total()

    def paginator(self, per_page: int) -> ListingPaginator:
        return ListingPaginator(self.records(), per_page, listing=self)

    def page(self, number: int, per_page: int) -> Page:
        """Page ``number`` (from 1) of the results; a number past the end raises
        ``EmptyPage`` (a 404 for the caller)."""
        return self.paginator(per_page).page(number)

    def page_rows(self, offset: int, limit: int) -> list[Any] | None:
        """The rows of a page from the bitmaps' ids, then those rows alone from the database,
        with the FilterSet's queryset (its joins and prefetches), or None."""
        ids = self.filterset.page_ids(offset, limit)
        if ids is None:
            return None
        base: Any = self.filterset.queryset
        rows = base.filter(pk__in=ids).in_bulk()
        return [rows[pk] for pk in ids if pk in rows]


class ListingPaginator(Paginator):
    """The one paginator of the site and the API: the count is the listing's (bitmaps, or a
    cached database count), a page its rows. Without a listing (a plain queryset) the count is
    cached by the query and the read version."""

    def __init__(
        self, object_list: Any, per_page: int, *, listing: Listing | None = None, **kwargs: Any
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.listing = listing

    @cached_property
    def count(self) -> int:
        if self.listing is not None:
            return self.listing.total()
        records: Any = self.object_list
        return cached_count(records) if isinstance(records, QuerySet) else len(records)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if self.listing is not None:
            rows = self.listing.page_rows((number - 1) * self.per_page, self.per_page)
            if rows is not None:
                return Page(rows, number, self)
        return super().page(number)
