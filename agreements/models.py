"""Editorial records: partnerships and what happens in them.

Everything here depends on ``cities`` (places, networks, sources), never the reverse.
Each record has a publication state; public surfaces start from ``public()``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import GenericTaggedItemBase, TagBase

from cities.models import City, Network, NetworkMembership
from cities.normalise import search_keys
from cities.regions import region_of
from common.dates import (
    PartialDate,
    PartialDateDescriptor,
    PartialDateModel,
    Precision,
    partial_date_constraints,
    partial_date_fields,
)
from common.documents import validate_document
from common.translations import TranslatableRecord, translations_of
from publishing.facets import Dependencies, FacetRow, FacetRows, sync_facet_rows
from publishing.publication import (
    Publishable,
    PublishableQuerySet,
    choices_constraint,
)

# The names of the vocabulary seeded by migration 0003, so that translation catalogues carry
# them; pages show a theme as ``{% translate theme.name %}``. Themes added later by staff show
# under their own name until translated.
VOCABULARY_NAMES = (
    gettext_noop("Music"),
    gettext_noop("Museums"),
    gettext_noop("Crafts"),
    gettext_noop("Heritage"),
    gettext_noop("Education"),
    gettext_noop("Academic exchange"),
    gettext_noop("Urban regeneration"),
    gettext_noop("Transport"),
    gettext_noop("Citizen diplomacy"),
    gettext_noop("Arts"),
    gettext_noop("Cultural industry"),
    gettext_noop("Film"),
    gettext_noop("Design"),
    gettext_noop("Gastronomy"),
    gettext_noop("Literature"),
    gettext_noop("Economy and trade"),
    gettext_noop("Technology"),
)


class ThemeManager(models.Manager["Theme"]):
    def get_by_natural_key(self, slug: str) -> Theme:
        return self.get(slug=slug)


class Theme(TagBase):
    """A term of the curated theme vocabulary (music, museums, urban regeneration, ...)."""

    description: models.TextField[str, str] = models.TextField(_("description"), blank=True)

    objects = ThemeManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class ThemedItem(GenericTaggedItemBase):
    tag: models.ForeignKey[Theme, Theme] = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="items"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("themed record")
        verbose_name_plural = _("themed records")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "tag"], name="themeditem_unique"
            )
        ]

    def public_parent(self) -> models.Model | None:
        """The record whose publication decides whether this tag is public."""
        return self.content_object


def themes_field() -> TaggableManager:
    return TaggableManager(
        through=ThemedItem,
        blank=True,
        verbose_name=_("themes"),
        help_text=_("Terms from the theme vocabulary, separated by commas."),
    )


def prefetch_themes() -> Prefetch:
    """Prefetch records' themes into a list (``theme_list``). A plain ``prefetch_related
    ("themes")`` makes taggit build a filtered queryset per record (about 0.5 ms each: 150 ms
    on the page of a city with 300 partnerships); a list costs nothing."""
    return Prefetch("themes", to_attr="prefetched_themes")


class ThemedRecord:
    """A record with themes (``themes_field``), which reads them from ``prefetch_themes``
    when they were prefetched."""

    @property
    def theme_list(self) -> list[Theme]:
        prefetched = getattr(self, "prefetched_themes", None)
        if prefetched is None:
            prefetched = self.prefetched_themes = list(self.themes.all())  # type: ignore[attr-defined]
        return prefetched


def citations_relation() -> GenericRelation:
    return GenericRelation("cities.Citation")


class OrganizationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    EMBASSY = "embassy", _("embassy")
    MINISTRY = "ministry", _("ministry")
    MUSEUM = "museum", _("museum")
    UNIVERSITY = "university", _("university")
    NETWORK_OFFICE = "network_office", _("network office")
    OTHER = "other", _("other")


class Organization(Publishable):
    Kind = OrganizationKind

    name = models.CharField(_("name"), max_length=300, help_text=_("In English."))
    native_name = models.CharField(_("name in its own language"), max_length=300, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("city"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
        verbose_name=_("network"),
        help_text=_("For a network office: the network it serves."),
    )
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    citations = citations_relation()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            *Publishable.Meta.constraints,
            choices_constraint("kind", OrganizationKind, "organization"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(Publishable):
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As usually written in Latin script.")
    )
    native_name = models.CharField(
        _("name in its own script"), max_length=200, blank=True, help_text=_("e.g. ایمان حجتی")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Public. Anything about the spelling or identity of the person."),
    )
    citations = citations_relation()
    search_keys = models.CharField(max_length=400, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [*Publishable.Meta.constraints]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:person-detail", args=[self.slug])

    def refresh_search_key(self) -> None:
        self.search_keys = search_keys(self.name, self.native_name)


class Position(PartialDateModel):
    """A post a person holds: "Ambassador of Italy to Vietnam" at the Embassy of Italy."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=300)
    since, since_precision, since_as_written = partial_date_fields(_("since"))
    until, until_precision, until_as_written = partial_date_fields(_("until"))

    since_when = PartialDateDescriptor("since")
    until_when = PartialDateDescriptor("until")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["person__name", "since"]
        constraints = [
            *partial_date_constraints("since", "position"),
            *partial_date_constraints("until", "position"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="position_until_not_before_since",
                violation_error_message=_("A position cannot end before it begins."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}, {self.title}, {self.organization}"

    def public_parent(self) -> Person:
        return self.person


def chunked(ids: list[int], size: int = 2000) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def decade_of(year: int) -> str:
    return str(year // 10 * 10)


def themes_by_record(model: type[models.Model], ids: list[int]) -> dict[int, set[str]]:
    themes: dict[int, set[str]] = defaultdict(set)
    rows = ThemedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=ids
    ).values_list("object_id", "tag__slug")
    for object_id, slug in rows:
        themes[object_id].add(slug)
    return themes


def networks_by_city(city_ids: set[int]) -> dict[int, dict[str, datetime.date | None]]:
    """The networks each city belongs to today, by published membership, each with the last
    day of the membership (None: no end), so that the facet row ends when the membership
    does (``FacetRow.until``)."""
    networks: dict[int, dict[str, datetime.date | None]] = defaultdict(dict)
    rows = (
        NetworkMembership.objects.published()
        .current()
        .filter(city_id__in=city_ids)
        .values_list("city_id", "network__slug", "until")
    )
    for city_id, slug, until in rows:
        known = networks[city_id]
        if slug not in known or until is None:
            known[slug] = until
        elif known[slug] is not None:
            known[slug] = max(known[slug], until)
    return networks


def membership_end(*ends: dict[str, datetime.date | None], network: str) -> datetime.date | None:
    """The last day a record belongs to a network through any of its cities (None: no end)."""
    days = [end[network] for end in ends if network in end]
    return None if None in days else max(days)  # type: ignore[type-var]  # no None here


class PartnershipQuerySet(PublishableQuerySet["Partnership"]):
    def involving(self, city: City) -> PartnershipQuerySet:
        return self.filter(Q(city_a=city) | Q(city_b=city))

    def involving_any(self, cities: Any) -> PartnershipQuerySet:
        """Partnerships of any of ``cities`` (a queryset or a list of ids)."""
        return self.filter(Q(city_a__in=cities) | Q(city_b__in=cities))

    def facet_rows(self) -> FacetRows:
        """The facet index rows these partnerships should have (see ``publishing.facets``)."""
        records = list(
            self.values_list(
                "pk", "kind", "status", "established", "city_a_id", "city_b_id",
                "city_a__country", "city_b__country", "city_a__level", "city_b__level",
            )
        )  # fmt: skip
        ids = [record[0] for record in records]
        themes = themes_by_record(Partnership, ids)
        networks = networks_by_city({r[4] for r in records} | {r[5] for r in records})
        rows: FacetRows = set()
        for (
            pk, kind, status, established, city_a, city_b, country_a, country_b, *levels,
        ) in records:  # fmt: skip
            rows.add((pk, "kind", kind))
            # The places' level (issue 12): "municipality" when both sides are, else the level
            # of each side that is a district or a region, to include or leave them out.
            for level in set(levels) - {"municipality"} or {"municipality"}:
                rows.add((pk, "level", level))
            # Most imported records say nothing of their status: counted, not left out.
            rows.add((pk, "status", status or STATUS_NOT_STATED))
            # Nor their year: "not stated" is a decade of its own, so the decades add up.
            rows.add((pk, "decade", decade_of(established.year) if established else NOT_STATED))
            for country in (country_a, country_b):
                rows.add((pk, "country", country))
                if region := region_of(country):
                    rows.add((pk, "region", region))
            rows.add((pk, "pair", "-".join(sorted([country_a, country_b]))))
            # Not a filter of its own: a search by name unites its matching cities' records
            # from these (``PartnershipFilter.bitmap_mask``), however many cities match.
            rows.add((pk, "city", str(city_a)))
            rows.add((pk, "city", str(city_b)))
            rows |= {(pk, "theme", slug) for slug in themes[pk]}
            ends = (networks[city_a], networks[city_b])
            for slug in networks[city_a].keys() | networks[city_b].keys():
                rows.add((pk, "network", slug, membership_end(*ends, network=slug)))
        return rows

    def refresh_facets(self) -> int:
        """Bring the facet index of these partnerships up to date; returns how many."""
        ids = list(self.order_by().values_list("pk", flat=True))
        for chunk in chunked(ids):
            sync_facet_rows(
                PartnershipFacet, chunk, Partnership.objects.filter(pk__in=chunk).facet_rows()
            )
        return len(ids)

    def between(self, one: City, other: City) -> PartnershipQuerySet:
        low, high = sorted([one, other], key=lambda c: c.pk)
        return self.filter(city_a=low, city_b=high)

    def in_country(self, code: str) -> PartnershipQuerySet:
        code = code.upper()
        return self.filter(Q(city_a__country=code) | Q(city_b__country=code))

    def in_country_by_index(self, code: str) -> PartnershipQuerySet:
        """:meth:`in_country` through the facet index (one indexed semi-join): for a large
        table, where the two ORed joins walk every partnership in the listing's order."""
        rows = PartnershipFacet.objects.filter(facet="country", value=code.upper())
        return self.filter(pk__in=rows.values("record"))

    def confirmed_q(self, age: str, today: datetime.date | None = None) -> Q:
        """Partnerships by how long ago they were last confirmed (``CONFIRMATION_AGES``),
        counted from ``today`` (the local date by default): computed when read, so a record
        confirmed 364 days ago is "within a year" today and "1 to 5 years" in two days."""
        if age == CONFIRMED_NEVER:
            return Q(confirmed_at__isnull=True)
        one, five = confirmation_boundaries(today)
        if age == CONFIRMED_WITHIN_YEAR:
            return Q(confirmed_at__gte=one)
        if age == CONFIRMED_1_TO_5_YEARS:
            return Q(confirmed_at__gte=five, confirmed_at__lt=one)
        if age == CONFIRMED_OVER_5_YEARS:
            return Q(confirmed_at__lt=five)
        raise ValueError(age)

    def confirmed(self, *ages: str, today: datetime.date | None = None) -> PartnershipQuerySet:
        """Those last confirmed within any of ``ages`` (ORed)."""
        condition = Q(pk__in=[])
        for age in ages:
            condition |= self.confirmed_q(age, today)
        return self.filter(condition)


class PartnershipKind(models.TextChoices):
    SISTER_CITY = "sister_city", _("sister city / twin town")
    FRIENDSHIP = "friendship", _("friendship")
    COOPERATION = "cooperation", _("cooperation")
    INSTITUTIONAL = "institutional", _("institutional twinning")


class PartnershipStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACTIVE = "active", _("active")
    DORMANT = "dormant", _("dormant")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


# The facets' value for what the sources do not state (a status, a year established).
NOT_STATED = STATUS_NOT_STATED = "not_stated"


class ConfirmationMethod(models.TextChoices):
    """How a partnership was last confirmed to be as recorded."""

    CITY = "city", _("by the city")
    SOURCE = "source", _("from a source")
    CURATOR = "curator", _("by a curator")


class ConfirmationOutcome(models.TextChoices):
    """What a confirmation found: as recorded, or now dormant or ended."""

    CONFIRMED = "confirmed", _("still as recorded")
    DORMANT = "dormant", _("dormant")
    ENDED = "ended", _("ended")


# How long ago a partnership was last confirmed: the values of the ``confirmed`` filter.
CONFIRMED_WITHIN_YEAR = "year"
CONFIRMED_1_TO_5_YEARS = "1-5"
CONFIRMED_OVER_5_YEARS = "over-5"
CONFIRMED_NEVER = "never"
CONFIRMATION_AGES = [
    (CONFIRMED_WITHIN_YEAR, _("within the last year")),
    (CONFIRMED_1_TO_5_YEARS, _("1 to 5 years ago")),
    (CONFIRMED_OVER_5_YEARS, _("over 5 years ago")),
    (CONFIRMED_NEVER, _("never")),
]
# Unconfirmed for longer, a record says on its page that it may be out of date.
STALE_AFTER_YEARS = 5


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def confirmation_boundaries(
    today: datetime.date | None = None,
) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moments of the days one and five years before ``today``: a record confirmed
    since the first is "within a year", before the second "over 5 years"."""
    today = today or timezone.localdate()
    return start_of(years_before(today, 1)), start_of(years_before(today, STALE_AFTER_YEARS))


class Partnership(ThemedRecord, TranslatableRecord, Publishable, PartialDateModel):
    """A relationship between two cities. One row per unordered pair and kind.

    The pair is stored in canonical order (``city_a`` has the lower id), so Isfahan–Florence
    and Florence–Isfahan are the same row; the database refuses the other order.
    """

    Kind = PartnershipKind

    Status = PartnershipStatus

    city_a = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("city")
    )
    city_b = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="+", verbose_name=_("partner city")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PartnershipKind.choices)
    institutions = models.CharField(
        _("institutions"),
        max_length=300,
        blank=True,
        help_text=_("For an institutional twinning: which institutions, e.g. museums."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PartnershipStatus.choices,
        blank=True,
        help_text=_("Leave empty when the sources do not say, e.g. in an imported register."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Made from the two cities' slugs when left empty."),
    )
    established, established_precision, established_as_written = partial_date_fields(
        _("established")
    )
    ended, ended_precision, ended_as_written = partial_date_fields(_("ended"))
    summary = models.TextField(_("summary"), blank=True)
    summary_it, summary_fa, summary_vi = translations_of(summary)
    translated_fields = ("summary",)
    themes = themes_field()
    citations = citations_relation()
    # The last confirmation that the record is true (``confirm``): when, how, by which of the
    # two cities (when by a city), by which user, and their note (staff only). Each one is a
    # step of the record's history, with its author.
    confirmed_at = models.DateTimeField(
        _("last confirmed"), null=True, blank=True, editable=False, db_index=True
    )
    confirmed_how = models.CharField(
        _("confirmed how"),
        max_length=10,
        choices=ConfirmationMethod.choices,
        blank=True,
        editable=False,
    )
    confirmed_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("confirmed by the city of"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_note = models.TextField(_("confirmation note"), blank=True, editable=False)

    established_when = PartialDateDescriptor("established")
    ended_when = PartialDateDescriptor("ended")

    # The base declares a PublishableQuerySet manager; this one adds the pair vocabulary.
    objects = PartnershipQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["slug"]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(city_a=F("city_b")),
                name="partnership_not_self",
                violation_error_message=_("A city cannot partner itself."),
            ),
            models.CheckConstraint(
                condition=Q(city_a__lte=F("city_b")),
                name="partnership_pair_canonical_order",
                violation_error_message=_("The pair must be stored in canonical order."),
            ),
            models.UniqueConstraint(
                fields=["city_a", "city_b", "kind"],
                name="partnership_unique_pair_kind",
                violation_error_message=_(
                    "These two cities already have a partnership of this kind."
                ),
            ),
            choices_constraint("kind", PartnershipKind, "partnership"),
            choices_constraint("status", PartnershipStatus, "partnership", allow_blank=True),
            *partial_date_constraints("established", "partnership"),
            *partial_date_constraints("ended", "partnership"),
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | Q(established__isnull=True)
                | Q(ended__gte=F("established")),
                name="partnership_ended_not_before_established",
                violation_error_message=_("A partnership cannot end before it is established."),
            ),
            choices_constraint(
                "confirmed_how", ConfirmationMethod, "partnership", allow_blank=True
            ),
            # A confirmation says how it was made; a city confirms only its own partnerships.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_how="")
                | (Q(confirmed_at__isnull=False) & ~Q(confirmed_how="")),
                name="partnership_confirmed_how_with_when",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_city__isnull=True)
                | Q(confirmed_how=ConfirmationMethod.CITY, confirmed_city=F("city_a"))
                | Q(confirmed_how=ConfirmationMethod.CITY, confirmed_city=F("city_b")),
                name="partnership_confirmed_by_one_of_its_cities",
            ),
        ]
        indexes = [models.Index(fields=["city_b", "city_a"])]

    def __str__(self) -> str:
        label = f"{self.city_a.name} – {self.city_b.name}"
        if self.kind and self.kind != self.Kind.SISTER_CITY:
            label += f" ({self.get_kind_display()})"
        return label

    def get_absolute_url(self) -> str:
        return reverse("directory:partnership-detail", args=[self.slug])

    @property
    def cities(self) -> tuple[City, City]:
        return (self.city_a, self.city_b)

    def put_pair_in_order(self) -> None:
        if self.city_a_id and self.city_b_id and self.city_a_id > self.city_b_id:
            self.city_a, self.city_b = self.city_b, self.city_a

    def make_slug(self) -> str:
        names = sorted([self.city_a.slug, self.city_b.slug])
        base = slugify("-".join(names))
        if self.kind != self.Kind.SISTER_CITY:
            base = f"{base}-{slugify(self.kind)}"
        return base[:200]

    def clean(self) -> None:
        super().clean()
        self.put_pair_in_order()
        if not self.slug and self.city_a_id and self.city_b_id and self.kind:
            self.slug = self.make_slug()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.put_pair_in_order()
        if not self.slug:
            self.slug = self.make_slug()
        super().save(*args, **kwargs)

    # -- confirmation -------------------------------------------------------------------------

    @property
    def confirmed_when(self) -> PartialDate | None:
        """The month of the last confirmation, as the public pages give it: "March 2025"."""
        if self.confirmed_at is None:
            return None
        day = timezone.localdate(self.confirmed_at)
        return PartialDate(day.replace(day=1), Precision.MONTH)

    @property
    def confirming_city(self) -> City | None:
        """The city that confirmed the record (one of its two, already loaded), if a city did."""
        if self.confirmed_how != ConfirmationMethod.CITY:
            return None
        for city in (self.city_a, self.city_b):
            if city.pk == self.confirmed_city_id:
                return city
        return None

    def may_be_out_of_date(self, today: datetime.date | None = None) -> bool:
        """Unconfirmed for over five years: last confirmed before then, or never confirmed
        and public since before then. Asked on the day the page is read."""
        _one, five = confirmation_boundaries(today)
        since = self.confirmed_at or self.published_at or self.created_at
        return since is not None and since < five

    def confirm(
        self,
        *,
        by: Any,
        how: str,
        outcome: str = ConfirmationOutcome.CONFIRMED,
        city: City | None = None,
        date: datetime.date | None = None,
        note: str = "",
    ) -> None:
        """Record that ``by`` (a user) confirmed the partnership ``how`` (a
        ``ConfirmationMethod``; by the city ``city``, one of the two). A dormant or ended
        outcome is a step of the life cycle: a ``StatusChange`` on ``date`` and the new
        status (and, ended, the end date). One transaction: one public change, on commit."""
        if outcome == ConfirmationOutcome.ENDED and date is None:
            raise ValidationError(_("Give the date on which the partnership ended."))
        if date is not None and date > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        if (
            outcome == ConfirmationOutcome.ENDED
            and date is not None
            and self.established is not None
            and date < self.established
        ):
            raise ValidationError(_("A partnership cannot end before it is established."))
        if (
            outcome == ConfirmationOutcome.DORMANT
            and date is not None
            and self.established is not None
            and date < self.established
        ):
            raise ValidationError(_("A partnership cannot fall dormant before it is established."))
        with transaction.atomic():
            if outcome in (ConfirmationOutcome.DORMANT, ConfirmationOutcome.ENDED):
                last = self.status_changes.aggregate(last=Max("sequence"))["last"]
                StatusChange.objects.create(
                    partnership=self,
                    status=outcome,
                    date=date,
                    date_precision=Precision.DAY if date else "",
                    sequence=0 if last is None else last + 1,
                )
                self.status = outcome
                if outcome == ConfirmationOutcome.ENDED:
                    self.ended, self.ended_precision = date, Precision.DAY
                    self.ended_as_written = ""
            self.confirmed_at = timezone.now()
            self.confirmed_how = how
            self.confirmed_city = city if how == ConfirmationMethod.CITY else None
            self.confirmed_by = by
            self.confirmed_note = note
            self._history_user = by  # the history row's author, outside a request too
            self._change_reason = f"confirmed {how}: {outcome}"
            self.save()


class PartnershipFacet(FacetRow):
    """The facet index of partnerships, kept in step by ``agreements.signals``."""

    record = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="facet_rows")

    class Meta:
        verbose_name = _("partnership facet value")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "facet", "value"], name="partnershipfacet_unique"
            )
        ]
        indexes = [models.Index(fields=["facet", "value", "record"])]

    @classmethod
    def depends_on(cls) -> Dependencies:
        """A partnership's rows come from its own fields, its themes, its cities' countries
        and its cities' network memberships."""
        return {
            Partnership: lambda partnership: Partnership.objects.filter(pk=partnership.pk),
            ThemedItem: lambda item: (
                Partnership.objects.filter(pk=item.object_id)
                if item.content_type.model_class() is Partnership
                else Partnership.objects.none()
            ),
            Theme: lambda theme: Partnership.objects.filter(themes=theme),
            City: lambda city: Partnership.objects.involving(city),
            NetworkMembership: lambda membership: Partnership.objects.involving_any(
                [membership.city_id]
            ),
            Network: lambda network: Partnership.objects.involving_any(
                NetworkMembership.objects.filter(network=network).values("city")
            ),
        }


class StatusChange(TranslatableRecord, PartialDateModel):
    """A step in a partnership's life cycle: active in 1998, dormant, revived c. 2017."""

    translated_fields = ("note",)

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=10, choices=PartnershipStatus.choices)
    date, date_precision, date_as_written = partial_date_fields(_("date"))
    sequence = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Orders steps whose date is unknown.")
    )
    note = models.TextField(_("note"), blank=True)
    note_it, note_fa, note_vi = translations_of(note)

    date_when = PartialDateDescriptor("date")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["partnership", "sequence", "date"]
        constraints = [
            choices_constraint("status", PartnershipStatus, "statuschange"),
            *partial_date_constraints("date", "statuschange"),
        ]

    def __str__(self) -> str:
        when = f" ({self.date_when})" if self.date_when else ""
        return f"{self.get_status_display()}{when}"

    def public_parent(self) -> Partnership:
        """The record whose publication decides whether this row is public."""
        return self.partnership


class AgreementKind(models.TextChoices):
    TWINNING_PACT = "twinning_pact", _("twinning pact")
    FRIENDSHIP_AGREEMENT = "friendship_agreement", _("friendship agreement")
    MOU = "mou", _("memorandum of understanding")
    PROTOCOL = "protocol", _("protocol")
    LETTER_OF_INTENT = "letter_of_intent", _("letter of intent")


class AgreementStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    SIGNED = "signed", _("signed")
    IN_FORCE = "in_force", _("in force")
    EXPIRED = "expired", _("expired")
    TERMINATED = "terminated", _("terminated")


_Record = TypeVar("_Record", bound=models.Model)


class PartnershipRecordQuerySet(PublishableQuerySet[_Record]):
    """Agreements, meetings and projects: records of a partnership. One of a draft partnership
    would reveal the draft (its cities, its slug) through filters and pages, so it is public
    only with its partnership."""

    # Meetings and projects may belong to no partnership; agreements always have one.
    partnership_optional: ClassVar[bool] = True

    def of_public_partnership(self) -> Self:
        """Those whose partnership is published (or that have none, where they may)."""
        condition = self.published_q("partnership__")
        if self.partnership_optional:
            condition |= Q(partnership__isnull=True)
        return self.filter(condition)

    def public(self) -> Self:
        return self.published().of_public_partnership()


class AgreementQuerySet(PartnershipRecordQuerySet["Agreement"]):
    partnership_optional = False


class Agreement(TranslatableRecord, Publishable, PartialDateModel):
    Kind = AgreementKind

    Status = AgreementStatus

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("partnership"),
    )
    title = models.CharField(_("title"), max_length=300)
    title_it, title_fa, title_vi = translations_of(title)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=AgreementStatus.choices)
    signed, signed_precision, signed_as_written = partial_date_fields(_("signed"))
    signed_place = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in"),
    )
    signed_occasion = models.CharField(
        _("occasion"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the visit during which it was signed."),
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_it, summary_fa, summary_vi = translations_of(summary)
    translated_fields = ("title", "summary")
    document = models.FileField(
        _("signed document"),
        upload_to="agreements/%Y/",
        blank=True,
        validators=[validate_document],
        help_text=_("PDF, PNG, JPEG or WebP; checked by its content, not its name."),
    )
    document_url = models.URLField(_("document URL"), max_length=1000, blank=True)
    citations = citations_relation()

    signed_when = PartialDateDescriptor("signed")

    objects = AgreementQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["signed", "title"]
        constraints = [
            *Publishable.Meta.constraints,
            choices_constraint("kind", AgreementKind, "agreement"),
            choices_constraint("status", AgreementStatus, "agreement"),
            *partial_date_constraints("signed", "agreement"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("directory:agreement-detail", args=[self.slug])


class Signatory(TranslatableRecord, models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("on behalf of"),
    )
    role = models.CharField(_("role"), max_length=300, blank=True)
    role_it, role_fa, role_vi = translations_of(role)
    translated_fields = ("role",)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organization__isnull=False),
                name="signatory_person_or_organization",
                violation_error_message=_("Name the person, the organization, or both."),
            )
        ]

    def __str__(self) -> str:
        return str(self.person or self.organization)

    def public_parent(self) -> Agreement:
        return self.agreement


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid")


class MeetingQuerySet(PartnershipRecordQuerySet["Meeting"]):
    def involving(self, city: City) -> MeetingQuerySet:
        """Meetings held in the city, naming it, or of its partnerships."""
        ids = (
            Meeting.objects.filter(place=city)
            .order_by()
            .values("pk")
            .union(
                Meeting.cities.through.objects.filter(city=city).values("meeting_id"),
                Meeting.objects.filter(
                    partnership__in=Partnership.objects.involving(city).values("pk")
                )
                .order_by()
                .values("pk"),
            )
        )
        return self.filter(pk__in=ids)


class Meeting(ThemedRecord, TranslatableRecord, Publishable, PartialDateModel):
    Format = MeetingFormat

    title = models.CharField(_("title"), max_length=300)
    title_it, title_fa, title_vi = translations_of(title)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    date, date_precision, date_as_written = partial_date_fields(_("date"))
    format = models.CharField(_("format"), max_length=10, choices=MeetingFormat.choices)
    place = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place"),
        help_text=_("Where it was held; empty for an online meeting."),
    )
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("partnership"),
    )
    cities = models.ManyToManyField(
        City, related_name="meetings", blank=True, verbose_name=_("cities involved")
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_it, summary_fa, summary_vi = translations_of(summary)
    outcomes = models.TextField(_("outcomes"), blank=True)
    outcomes_it, outcomes_fa, outcomes_vi = translations_of(outcomes)
    translated_fields = ("title", "summary", "outcomes")
    themes = themes_field()
    citations = citations_relation()

    date_when = PartialDateDescriptor("date")

    objects = MeetingQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["date", "title"]
        constraints = [
            *Publishable.Meta.constraints,
            choices_constraint("format", MeetingFormat, "meeting"),
            *partial_date_constraints("date", "meeting"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("directory:meeting-detail", args=[self.slug])


class Participant(TranslatableRecord, models.Model):
    """Who took part in a meeting, in which capacity. The person may be unnamed in the source
    ("the Mayor of Florence"): then only the organization and role are recorded."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=300, blank=True)
    role_it, role_fa, role_vi = translations_of(role)
    translated_fields = ("role",)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organization__isnull=False),
                name="participant_person_or_organization",
                violation_error_message=_("Name the person, the organization, or both."),
            )
        ]

    def __str__(self) -> str:
        who = self.person or self.organization
        return f"{who}, {self.role}" if self.role else str(who)

    def public_parent(self) -> Meeting:
        return self.meeting


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("idea")
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class ProjectQuerySet(PartnershipRecordQuerySet["CulturalProject"]):
    def involving(self, city: City) -> ProjectQuerySet:
        """Projects of the city or of its partnerships. The ids come from a UNION of indexed
        lookups: an OR of joins (or of subqueries) makes the database scan every project."""
        listed = CulturalProject.cities.through.objects.filter(city=city)
        ids = listed.values("culturalproject_id").union(
            CulturalProject.objects.filter(
                partnership__in=Partnership.objects.involving(city).values("pk")
            )
            .order_by()
            .values("pk")
        )
        return self.filter(pk__in=ids)

    def facet_rows(self) -> FacetRows:
        records = list(
            self.values_list(
                "pk", "status", "start", "partnership__city_a__country",
                "partnership__city_b__country",
            )
        )  # fmt: skip
        ids = [record[0] for record in records]
        themes = themes_by_record(CulturalProject, ids)
        countries: dict[int, set[str]] = defaultdict(set)
        for pk, country in CulturalProject.cities.through.objects.filter(
            culturalproject_id__in=ids
        ).values_list("culturalproject_id", "city__country"):
            countries[pk].add(country)
        rows: FacetRows = set()
        for pk, status, start, country_a, country_b in records:
            rows.add((pk, "status", status))
            if start:
                rows.add((pk, "year", str(start.year)))
            for country in countries[pk] | {country_a, country_b} - {None}:
                rows.add((pk, "country", country))
            rows |= {(pk, "theme", slug) for slug in themes[pk]}
        return rows

    def refresh_facets(self) -> int:
        ids = list(self.order_by().values_list("pk", flat=True))
        for chunk in chunked(ids):
            sync_facet_rows(
                ProjectFacet, chunk, CulturalProject.objects.filter(pk__in=chunk).facet_rows()
            )
        return len(ids)


class CulturalProject(ThemedRecord, TranslatableRecord, Publishable, PartialDateModel):
    Status = ProjectStatus

    title = models.CharField(_("title"), max_length=300)
    title_it, title_fa, title_vi = translations_of(title)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices)
    start, start_precision, start_as_written = partial_date_fields(_("start"))
    end, end_precision, end_as_written = partial_date_fields(_("end"))
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("partnership"),
    )
    cities = models.ManyToManyField(
        City, related_name="projects", blank=True, verbose_name=_("cities")
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("network"),
    )
    description = models.TextField(_("description"), blank=True)
    description_it, description_fa, description_vi = translations_of(description)
    outputs = models.TextField(_("outputs"), blank=True)
    outputs_it, outputs_fa, outputs_vi = translations_of(outputs)
    translated_fields = ("title", "description", "outputs")
    themes = themes_field()
    citations = citations_relation()
    search_keys = models.CharField(max_length=400, editable=False, db_index=True, default="")

    start_when = PartialDateDescriptor("start")
    end_when = PartialDateDescriptor("end")

    objects = ProjectQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("cultural project")
        verbose_name_plural = _("cultural projects")
        ordering = ["title"]
        constraints = [
            *Publishable.Meta.constraints,
            choices_constraint("status", ProjectStatus, "culturalproject"),
            *partial_date_constraints("start", "culturalproject"),
            *partial_date_constraints("end", "culturalproject"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="culturalproject_end_not_before_start",
                violation_error_message=_("A project cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("directory:project-detail", args=[self.slug])

    def refresh_search_key(self) -> None:
        # Its title in every language: "progetto musicale" finds it too.
        self.search_keys = search_keys(self.title, self.title_it, self.title_fa, self.title_vi)


class ProjectFacet(FacetRow):
    """The facet index of cultural projects, kept in step by ``agreements.signals``."""

    record = models.ForeignKey(CulturalProject, on_delete=models.CASCADE, related_name="facet_rows")

    class Meta:
        verbose_name = _("project facet value")
        constraints = [
            models.UniqueConstraint(fields=["record", "facet", "value"], name="projectfacet_unique")
        ]
        indexes = [models.Index(fields=["facet", "value", "record"])]

    @classmethod
    def depends_on(cls) -> Dependencies:
        """A project's rows come from its own fields, its themes, and the countries of its
        cities and of its partnership's cities."""
        return {
            CulturalProject: lambda project: CulturalProject.objects.filter(pk=project.pk),
            Partnership: lambda partnership: CulturalProject.objects.filter(
                partnership=partnership.pk
            ),
            CulturalProject.cities.through: lambda side: (
                CulturalProject.objects.filter(pk=side.pk)
                if isinstance(side, CulturalProject)
                else CulturalProject.objects.filter(cities=side)
            ),
            ThemedItem: lambda item: (
                CulturalProject.objects.filter(pk=item.object_id)
                if item.content_type.model_class() is CulturalProject
                else CulturalProject.objects.none()
            ),
            Theme: lambda theme: CulturalProject.objects.filter(themes=theme),
            City: lambda city: CulturalProject.objects.involving(city),
        }


def public_cities() -> models.QuerySet[City]:
    """Cities that appear in a public record (``CityQuerySet.in_public_records``): the
    directory's cities, as opposed to every place of the gazetteer."""
    return City.objects.filter(pk__in=City.objects.in_public_records())


class MergeLog(models.Model):
    """One merge of two duplicate records (``agreements.merging``): which record survived,
    the removed one's fields as they were, what moved, and every step taken, so that a
    curator can revert it. A partnership merged on the way (two partnerships that became the
    same pair) has a log of its own under its city merge's (``parent``), reverted with it."""

    model = models.CharField(_("kind of record"), max_length=100)
    survivor_id = models.PositiveBigIntegerField(_("kept record"))
    survivor_label = models.CharField(_("kept"), max_length=300)
    removed_id = models.PositiveBigIntegerField(_("removed record"))
    removed_slug = models.CharField(max_length=200, db_index=True)
    removed_label = models.CharField(_("merged into it"), max_length=300)
    removed_data = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    journal = models.JSONField(default=list)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="nested"
    )
    created_at = models.DateTimeField(_("merged"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )
    reverted_at = models.DateTimeField(_("reverted"), null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reverted by"),
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["model", "removed_slug"])]

    def __str__(self) -> str:
        return f"{self.removed_label} → {self.survivor_label}"


# What each source states about a partnership: its own module, beside its logic (issue 12).
from .claims import Claim, ClaimField  # noqa: E402, F401

# The unmatched places queue and its waiting rows (issue 12, no phantom cities).
from .unmatched_models import UnmatchedPlace, WaitingRow  # noqa: E402, F401
