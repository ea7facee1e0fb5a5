"""Reference data: places and their names, networks and memberships, and sources.

Nothing here depends on the editorial app (``agreements``); editorial records point here.
``Citation`` links a source to any record through a generic relation, so both apps can cite
without this app knowing the other exists.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from pyroaring import FrozenBitMap
from simple_history.models import HistoricalRecords

from common.dates import (
    PartialDateDescriptor,
    PartialDateModel,
    partial_date_constraints,
    partial_date_fields,
)
from common.translations import TranslatableRecord, translations_of
from publishing.caching import cached
from publishing.publication import (
    Publishable,
    PublishableQuerySet,
    choices_constraint,
)

from .normalise import name_lookup, search_key, search_keys
from .regions import REGIONS, region_of

wikidata_id_validator = RegexValidator(
    r"^Q[1-9][0-9]*$", _('A Wikidata id is a Q followed by digits, e.g. "Q2044".')
)


class CityQuerySet(models.QuerySet["City"]):
    def matching(self, text: str) -> CityQuerySet:
        """Cities whose name, in any stored language or script, contains ``text`` (one letter:
        starts with it, ``normalise.name_lookup``)."""
        key = search_key(text)
        if not key:
            return self.none()
        # Two semi-joins, each served by its trigram index on PostgreSQL, rather than a join of
        # every city with its names and a DISTINCT over the lot.
        return self.filter(
            Q(**name_lookup("search_key", key))
            | Q(pk__in=CityName.objects.filter(**name_lookup("search_key", key)).values("city_id"))
        )

    def matching_ids(self, text: str, limit: int | None = None) -> list[int]:
        """The ids of up to ``limit`` cities :meth:`matching` ``text``, as a UNION of the two
        lookups: each reads its trigram index, where the ``OR`` reads every city."""
        key = search_key(text)
        if not key:
            return []
        names = CityName.objects.filter(**name_lookup("search_key", key)).order_by()
        own = self.filter(**name_lookup("search_key", key)).order_by().values_list("pk", flat=True)
        if limit is None:  # all of them: UNION ALL, the duplicates dropped here (twice faster)
            return list(dict.fromkeys(own.union(names.values_list("city_id", flat=True), all=True)))
        return list(own.union(names.values_list("city_id", flat=True))[:limit])

    def with_wikidata_id(self, wikidata_id: str) -> CityQuerySet:
        """The city with this Wikidata item as its id or as another of its ids (Amsterdam is
        both Q727 and Q9899, issue 12)."""
        return self.filter(
            Q(wikidata_id=wikidata_id) | Q(other_wikidata_ids__wikidata_id=wikidata_id)
        ).distinct()

    def in_country(self, code: str) -> CityQuerySet:
        return self.filter(country=code.upper())

    def public(self) -> CityQuerySet:
        """Cities the public site may show, link to, find and suggest.

        A city is public when it is **reference data** (it came from the GeoNames gazetteer,
        ``import_cities``: it has a ``geonames_id``; that a place exists is no editorial
        secret) **or it is part of a public record**: a side of a published partnership, the
        city of a published membership or organisation, the place or a city of a public
        meeting, a city of a public project. Any other city exists only for drafts (an
        import's new city, one typed in the admin) and stays hidden: the city page is a 404,
        and search, suggestions, the sitemap and the API do not name it.

        The records live in ``agreements``, which depends on this app; they are looked up by
        name so that this module does not import them.
        """
        return self.filter(Q(geonames_id__isnull=False) | self.named_by_public_records())

    def named_by_public_records(self) -> Q:
        """The condition "a public record names this city", as one indexed ``EXISTS`` per
        kind of record. (An ``IN`` over the union of every record's cities, or'ed with the
        gazetteer test, made PostgreSQL build that union for each lookup: 0.4-0.5 s for one
        city page at 200,000 partnerships, 20 s to count the public cities.)"""
        partnership = apps.get_model("agreements", "Partnership")
        organization = apps.get_model("agreements", "Organization")
        meeting = apps.get_model("agreements", "Meeting")
        project = apps.get_model("agreements", "CulturalProject")
        city = OuterRef("pk")
        partnerships = partnership.objects.public()
        meetings = meeting.objects.public()
        condition = Q()
        for records in (
            partnerships.filter(city_a=city),
            partnerships.filter(city_b=city),
            NetworkMembership.objects.public().filter(city=city),
            organization.objects.public().filter(city=city),
            meetings.filter(place=city),
            meetings.filter(cities=city),
            project.objects.public().filter(cities=city),
        ):
            condition |= Q(Exists(records))
        return condition

    IDS_INLINE = 1000  # more ids than this are looked up in public_id_bitmap()

    def public_ids(self, ids: Iterable[int]) -> set[int]:
        """Which of the cities ``ids`` are public (:meth:`public`). A few: in two queries
        (asked as one, the OR of the gazetteer test and the records' subquery makes
        PostgreSQL run the subquery once per city). Thousands (a one-letter search): from
        :meth:`public_id_bitmap`."""
        ids = list(ids)
        if not ids:
            return set()
        if len(ids) > self.IDS_INLINE:
            public = self.public_id_bitmap()
            return {pk for pk in ids if pk in public}
        found = set(self.filter(pk__in=ids, geonames_id__isnull=False).values_list("pk", flat=True))
        rest = [pk for pk in ids if pk not in found]
        if rest:  # an indexed EXISTS per kind of record for each (milliseconds)
            named = self.filter(pk__in=rest).filter(self.named_by_public_records())
            found.update(named.values_list("pk", flat=True))
        return found

    def public_id_bitmap(self) -> FrozenBitMap:
        """The ids of every public city, read once per read version (``publishing.caching``):
        for thousands of cities at once, where asking the database about a list of their
        ids cost 0.3-1.6 s a query at 200,000 partnerships (the union of every record's
        cities, read once, 0.9 s)."""

        def compute() -> bytes:
            gazetteer = self.filter(geonames_id__isnull=False).values_list("pk", flat=True)
            named = self.in_public_records()
            return FrozenBitMap([*gazetteer, *(pk for pk in named if pk is not None)]).serialize()

        return FrozenBitMap.deserialize(cached("public-cities", (), compute))

    def in_public_records(self) -> Any:
        """The ids of the cities named by a public record (see :meth:`public`): the
        directory's cities, as opposed to every place of the gazetteer."""
        partnership = apps.get_model("agreements", "Partnership")
        organization = apps.get_model("agreements", "Organization")
        meeting = apps.get_model("agreements", "Meeting")
        project = apps.get_model("agreements", "CulturalProject")
        partnerships = partnership.objects.public()
        meetings = meeting.objects.public()
        return (
            partnerships.order_by()
            .values_list("city_a", flat=True)
            .union(
                partnerships.order_by().values_list("city_b", flat=True),
                NetworkMembership.objects.public().order_by().values_list("city", flat=True),
                organization.objects.public().order_by().values_list("city", flat=True),
                meetings.order_by().values_list("place", flat=True),
                meetings.order_by().values_list("cities", flat=True),
                project.objects.public().order_by().values_list("cities", flat=True),
            )
        )

    def similar_to(self, text: str, threshold: float = 0.3) -> CityQuerySet:
        """Cities with a name close to ``text`` ("Florance"), best first; PostgreSQL only.

        Uses trigram similarity (pg_trgm, indexed by migration 0003); elsewhere nothing.
        """
        key = search_key(text)
        if not key or connections[self.db].vendor != "postgresql":
            return self.none()
        from django.contrib.postgres.search import TrigramSimilarity

        closest = (
            CityName.objects.annotate(similarity=TrigramSimilarity("search_key", key))
            .filter(similarity__gte=threshold)
            .values("city")
        )
        return (
            self.annotate(similarity=TrigramSimilarity("search_key", key))
            .filter(Q(similarity__gte=threshold) | Q(pk__in=closest))
            .order_by("-similarity", "name")
        )


def local_names(path: str = "", language: str | None = None) -> Any:
    """Prefetch, for the cities at ``path``, their preferred name in the active language.

    ``City.display_name`` then shows "Firenze" on an Italian page without a query per city.
    """
    language = (language or get_language() or "en").split("-")[0]
    return Prefetch(
        f"{path}names",
        queryset=CityName.objects.filter(language=language, is_preferred=True),
        to_attr="local_names",
    )


class CityLevel(models.TextChoices):
    """The administrative level of a place (``cities.levels`` reads it from what a source
    says). A place whose level no source states is a municipality."""

    MUNICIPALITY = "municipality", _("city or municipality")
    DISTRICT = "district", _("district or borough")
    REGION = "region", _("county, province or region")


class City(models.Model):
    Level = CityLevel

    name = models.CharField(_("name"), max_length=200, help_text=_("The name shown by default."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=False)
    country = CountryField(_("country"))
    subdivision = models.CharField(
        _("first-level subdivision"),
        max_length=200,
        blank=True,
        help_text=_("Region, province or state, e.g. Tuscany or Isfahan Province."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    geonames_id = models.PositiveIntegerField(_("GeoNames id"), null=True, blank=True, unique=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        validators=[wikidata_id_validator],
    )
    level = models.CharField(
        _("administrative level"),
        max_length=20,
        choices=CityLevel.choices,
        default=CityLevel.MUNICIPALITY,
        db_index=True,
        help_text=_("A district or borough names the city it belongs to as its parent."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("part of"),
        help_text=_("The city of a district or borough."),
    )
    search_key = models.CharField(max_length=200, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CityQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="city_latitude_in_range",
                violation_error_message=_("Latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="city_longitude_in_range",
                violation_error_message=_("Longitude must lie between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="city_coordinates_both_or_neither",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=~Q(wikidata_id=""), name="city_wikidata_id_null_not_empty"
            ),
            choices_constraint("level", CityLevel, "city"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(level=CityLevel.DISTRICT),
                name="city_parent_only_for_districts",
                violation_error_message=_("Only a district or borough is part of a city."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="city_not_own_parent",
                violation_error_message=_("A place cannot be part of itself."),
            ),
        ]
        indexes = [models.Index(fields=["country", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})" if self.country else self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:city-detail", args=[self.slug])

    def refresh_search_key(self) -> None:
        self.search_key = search_key(self.name)[:200]

    @property
    def display_name(self) -> str:
        """The name in the active language when one is stored (see ``local_names``)."""
        names = getattr(self, "local_names", None)
        return names[0].name if names else self.name

    @property
    def display_language(self) -> str:
        names = getattr(self, "local_names", None)
        return names[0].language if names else "en"

    def names_by_language(self, language: str | None = None) -> CityNames:
        """This city's names (``names``, prefetched) as its page shows them: first its official
        and local names and its name in ``language`` (the active one), each labelled with its
        language, then the rest. See :class:`CityNames`."""
        return CityNames.of(self, list(self.names.all()), page_language(language))

    @property
    def region(self) -> str:
        return region_of(self.country.code) if self.country else ""

    @property
    def region_name(self) -> str:
        return str(REGIONS.get(self.region, ""))


class OtherWikidataId(models.Model):
    """A second Wikidata item for the same place (issue 12): Wikidata often has a municipality
    item and a town item, Amsterdam Q727 and Q9899. The city keeps one as ``wikidata_id``;
    the others are recorded here, and each finds the city on import."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="other_wikidata_ids", verbose_name=_("city")
    )
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, unique=True, validators=[wikidata_id_validator]
    )

    class Meta:
        verbose_name = _("other Wikidata id")
        verbose_name_plural = _("other Wikidata ids")
        ordering = ["wikidata_id"]

    def __str__(self) -> str:
        return self.wikidata_id


class CityNameKind(models.TextChoices):
    OFFICIAL = "official", _("official")
    ENDONYM = "endonym", _("local name")
    EXONYM = "exonym", _("name in another language")
    TRANSLITERATION = "transliteration", _("transliteration")
    HISTORICAL = "historical", _("historical name")
    ABBREVIATION = "abbreviation", _("abbreviation")


class CityName(models.Model):
    """One name of a city in one language or script: Firenze, فلورانس, Hà Nội."""

    Kind = CityNameKind

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("language code"),
        max_length=20,
        blank=True,
        help_text=_('A BCP 47 code when known: "it", "fa", "vi", "fa-Latn".'),
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Not a language code."))],
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CityNameKind.choices, blank=True)
    is_preferred = models.BooleanField(
        _("preferred in this language"),
        default=False,
        help_text=_("The name pages show for this city in this language."),
    )
    search_key = models.CharField(max_length=200, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("name in another language")
        verbose_name_plural = _("names in other languages")
        ordering = ["language", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "name", "language"],
                name="cityname_unique_per_language",
                violation_error_message=_("This city already has this name in this language."),
            ),
            models.UniqueConstraint(
                fields=["city", "language"],
                condition=Q(is_preferred=True),
                name="cityname_one_preferred_per_language",
                violation_error_message=_("Only one name can be preferred in each language."),
            ),
            models.CheckConstraint(
                condition=Q(kind="") | Q(kind__in=CityNameKind.values), name="cityname_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]" if self.language else self.name

    def refresh_search_key(self) -> None:
        self.search_key = search_key(self.name)[:200]

    @property
    def kind_note(self) -> str:
        """What a page notes after the name: its kind, unless the language says it already
        (a local name or a name in another language)."""
        if self.kind in (CityNameKind.ENDONYM, CityNameKind.EXONYM):
            return ""
        return str(self.get_kind_display()) if self.kind else ""


def page_language(language: str | None = None) -> str:
    """The primary subtag of ``language`` or of the active language ("fa", "it")."""
    return (language or get_language() or "en").split("-")[0].lower()


@functools.lru_cache(maxsize=2048)
def language_name(code: str, in_language: str) -> str:
    """The name of the language ``code`` (BCP 47: "it", "fa-Latn") written in ``in_language``,
    from CLDR (Babel): "Italian", "ایتالیایی", "Persian (Latin)", "Tiếng Ý". ``code`` itself
    when CLDR does not name it."""
    try:
        locale = Locale.parse(in_language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    base, *subtags = code.split("-")
    name = locale.languages.get(base.lower())
    if not name:
        return code
    details = []
    for subtag in subtags:
        if len(subtag) == 4 and subtag.isalpha():
            details.append(locale.scripts.get(subtag.title(), subtag))
        elif (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit()):
            details.append(locale.territories.get(subtag.upper(), subtag))
    if details:  # as Babel's Locale.get_display_name writes them
        name = f"{name} ({', '.join(details)})"
    return capfirst(name)


@dataclass(frozen=True)
class NamesInLanguage:
    """A city's names in one language, under that language's name in the page's language."""

    language: str  # BCP 47; "" when the source did not say
    label: str
    names: list[CityName]


# Kinds that say a name is the city's own: it leads the city page whatever its language.
LOCAL_KINDS = (CityNameKind.OFFICIAL, CityNameKind.ENDONYM)
# Kinds that are never the city's current local name.
NOT_LOCAL_KINDS = (
    CityNameKind.EXONYM,
    CityNameKind.TRANSLITERATION,
    CityNameKind.HISTORICAL,
    CityNameKind.ABBREVIATION,
)


@dataclass(frozen=True)
class CityNames:
    """A city's names as its page shows them, from what each name row says.

    ``leading``: the official and local names (kind official or endonym, or the preferred
    name in an official language of the city's country, CLDR's territory data), then the
    preferred name in the page's language; each group labelled with its language.
    ``other_languages``: the other names whose language is known, by language name.
    ``unlabelled``: the names whose language no source gave (the GeoNames alternate names:
    exonyms, transliterations and spellings in every script, unmarked), without those
    already shown, the ones marked as transliterations last. ``transliterations``: the names
    of a known language marked as transliterations ("Esfahan", Persian in Latin script).
    """

    leading: list[NamesInLanguage]
    other_languages: list[NamesInLanguage]
    unlabelled: list[CityName]
    transliterations: list[NamesInLanguage]
    also: str  # the city's default name, when the page's heading and leading names differ

    @property
    def more(self) -> int:
        """How many names are behind the leading ones."""
        groups = [*self.other_languages, *self.transliterations]
        return len(self.unlabelled) + sum(len(group.names) for group in groups)

    @classmethod
    def of(cls, city: City, names: list[CityName], language: str) -> CityNames:
        official = get_official_languages(city.country.code, de_facto=True) if city.country else ()

        def rank_local(name: CityName) -> tuple[int, int, bool, str]:
            base = name.language.split("-")[0]
            order = official.index(base) if base in official else len(official)
            return (name.kind != CityNameKind.OFFICIAL, order, not name.is_preferred, name.name)

        def is_local(name: CityName) -> bool:
            if name.kind in LOCAL_KINDS:
                return True
            return (
                name.kind not in NOT_LOCAL_KINDS
                and name.is_preferred
                and name.language in official  # a bare language code: no script, no region
            )

        labelled = [name for name in names if name.language]
        local = sorted((name for name in labelled if is_local(name)), key=rank_local)
        in_page_language = [
            name
            for name in labelled
            if name.language == language and name.is_preferred and name not in local
        ]
        leading = [*local, *in_page_language]
        rest = [name for name in labelled if name not in leading]
        other = [name for name in rest if name.kind != CityNameKind.TRANSLITERATION]
        transliterated = [name for name in rest if name.kind == CityNameKind.TRANSLITERATION]
        shown = {city.search_key, *(name.search_key for name in labelled)}
        unlabelled = sorted(
            (
                name
                for name in names
                if not name.language and (not name.search_key or name.search_key not in shown)
            ),
            key=lambda name: name.kind == CityNameKind.TRANSLITERATION,
        )
        shown_names = {city.display_name, *(name.name for name in leading)}
        return cls(
            leading=grouped(leading, language),
            other_languages=sorted(
                grouped(other, language), key=lambda group: group.label.casefold()
            ),
            unlabelled=unlabelled,
            transliterations=grouped(transliterated, language),
            also="" if city.name in shown_names else city.name,
        )


def grouped(names: Iterable[CityName], language: str) -> list[NamesInLanguage]:
    """``names`` by language, in the order each language first comes, preferred names first."""
    groups: dict[str, list[CityName]] = {}
    for name in names:
        groups.setdefault(name.language, []).append(name)
    return [
        NamesInLanguage(
            code,
            language_name(code, language) if code else "",
            sorted(members, key=lambda name: not name.is_preferred),
        )
        for code, members in groups.items()
    ]


class Network(TranslatableRecord, models.Model):
    """A network of cities, e.g. the UNESCO Creative Cities Network and its national branches."""

    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(_("name in its own language"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent network"),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    description_it, description_fa, description_vi = translations_of(description)
    translated_fields = ("description",)
    search_keys = models.CharField(max_length=400, editable=False, db_index=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="network_not_own_parent",
                violation_error_message=_("A network cannot be its own parent."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:network-detail", args=[self.slug])

    def refresh_search_key(self) -> None:
        self.search_keys = search_keys(self.name, self.native_name, self.short_name)


# UNESCO's creative fields, the usual values of ``NetworkMembership.field``, for translation
# catalogues; pages show a field as ``{% translate membership.field %}``.
CREATIVE_FIELDS = (
    gettext_noop("Crafts and Folk Art"),
    gettext_noop("Design"),
    gettext_noop("Film"),
    gettext_noop("Gastronomy"),
    gettext_noop("Literature"),
    gettext_noop("Media Arts"),
    gettext_noop("Music"),
)


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("member")
    COORDINATOR = "coordinator", _("coordinator")
    COORDINATION_OFFICE = "coordination_office", _("coordination office")
    OBSERVER = "observer", _("observer")


class MembershipQuerySet(PublishableQuerySet["NetworkMembership"]):
    def current(self) -> MembershipQuerySet:
        """Memberships that have not ended."""
        return self.filter(Q(until__isnull=True) | Q(until__gte=timezone.now().date()))


class NetworkMembership(Publishable, PartialDateModel):
    """A city's place in a network: its field (e.g. Crafts and Folk Art), role and period."""

    Role = MembershipRole

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("city")
    )
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("network")
    )
    field = models.CharField(
        _("field"),
        max_length=100,
        blank=True,
        help_text=_('The creative field or theme, e.g. "Crafts and Folk Art".'),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    since, since_precision, since_as_written = partial_date_fields(_("since"))
    until, until_precision, until_as_written = partial_date_fields(_("until"))
    note = models.TextField(_("note"), blank=True)
    citations = GenericRelation("cities.Citation", related_query_name="membership")

    since_when = PartialDateDescriptor("since")
    until_when = PartialDateDescriptor("until")

    objects = MembershipQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["network__name", "field", "city__name"]
        constraints = [
            *Publishable.Meta.constraints,
            choices_constraint("role", MembershipRole, "networkmembership"),
            *partial_date_constraints("since", "networkmembership"),
            *partial_date_constraints("until", "networkmembership"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="networkmembership_until_not_before_since",
                violation_error_message=_("A membership cannot end before it begins."),
            ),
            models.UniqueConstraint(
                fields=["city", "network", "role", "field"],
                name="networkmembership_unique",
                violation_error_message=_("This city already has this role in this network."),
            ),
        ]

    def __str__(self) -> str:
        parts = [str(self.city.name), str(self.network.short_name or self.network.name)]
        if self.field:
            parts.append(self.field)
        if self.role != self.Role.MEMBER:
            parts.append(self.get_role_display())
        return " · ".join(parts)


class Source(PartialDateModel):
    """A published document that records cite: an article, a register, a treaty text."""

    title = models.CharField(_("title"), max_length=500, help_text=_("In its original language."))
    title_en = models.CharField(_("title in English"), max_length=500, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    language = models.CharField(
        _("language code"),
        max_length=20,
        help_text=_('BCP 47 code of the text, e.g. "fa", "it", "vi".'),
        validators=[RegexValidator(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", _("Not a language code."))],
    )
    published, published_precision, published_as_written = partial_date_fields(_("published"))
    accessed = models.DateField(_("accessed"), null=True, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("What the source is and how far it can be trusted.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    published_when = PartialDateDescriptor("published")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["-published", "title"]
        constraints = [*partial_date_constraints("published", "source")]

    def __str__(self) -> str:
        return self.title_en or self.title

    @property
    def is_right_to_left(self) -> bool:
        return self.language.split("-")[0] in {"fa", "ar", "he", "ur", "ps", "ckb"}


class CitationQuerySet(models.QuerySet["Citation"]):
    def for_object(self, obj: models.Model) -> CitationQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Citation(models.Model):
    """A record's claim to a source, with the passage that supports it."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", verbose_name=_("source")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("The supporting passage, in the source's language.")
    )
    excerpt_en = models.TextField(_("excerpt in English"), blank=True)
    locator = models.CharField(
        _("locator"), max_length=100, blank=True, help_text=_("Page, paragraph or section.")
    )

    objects = CitationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["source__published", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return str(self.source)

    def public_parent(self) -> models.Model | None:
        """The record whose publication decides whether this citation is public."""
        return self.record
