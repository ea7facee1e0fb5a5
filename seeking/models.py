"""A city looking for partners: what its office offers and seeks, until an end date.

A city editor writes the call as a draft; a curator reviews and publishes it
(``Publishable``). It is public only while it runs: from its start to its end date, both
included, computed when read (``PartnerSearchQuerySet.current``), so a call past its end
leaves every public page on that day without a job (the page cache is keyed by the day).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import global_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from agreements.models import Theme, ThemedItem, ThemedRecord, themes_by_record, themes_field
from cities.models import City
from cities.regions import REGIONS, region_of
from common.dates import PartialDate, Precision
from publishing.facets import Dependencies, FacetRow, FacetRows, sync_facet_rows
from publishing.publication import Publishable, PublishableQuerySet

# Languages by BCP 47 tag, named as Django names them (and translates the names).
LANGUAGE_CHOICES = [(code, _(name)) for code, name in global_settings.LANGUAGES]
LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGE_CHOICES)
REGION_CHOICES = list(REGIONS.items())


def validate_languages(value: Any) -> None:
    if not isinstance(value, list) or any(code not in LANGUAGE_CODES for code in value):
        raise ValidationError(
            _("Languages are a list of known language tags, such as “it” or “fa”."),
            code="invalid_language",
        )


def validate_regions(value: Any) -> None:
    if not isinstance(value, list) or any(slug not in REGIONS for slug in value):
        raise ValidationError(
            _("Regions are a list of known world regions."), code="invalid_region"
        )


class PartnerSearchQuerySet(PublishableQuerySet["PartnerSearch"]):
    def current(self, today: datetime.date | None = None) -> PartnerSearchQuerySet:
        """Calls running on ``today`` (the local date by default): started, not yet ended."""
        today = today or timezone.localdate()
        return self.filter(starts__lte=today, ends__gte=today)

    def public(self) -> PartnerSearchQuerySet:
        """Published and running today: a draft, a call not yet started and an ended one
        are on no public page, sitemap or list."""
        return self.published().current()

    def of_city(self, city: City | int) -> PartnerSearchQuerySet:
        return self.filter(city=city)

    def facet_rows(self) -> FacetRows:
        """The facet index rows of these calls (``publishing.facets``): the city's country,
        themes, countries and regions of interest (a country's region counts too), languages."""
        records = list(self.values_list("pk", "city__country", "countries", "regions", "languages"))
        themes = themes_by_record(PartnerSearch, [record[0] for record in records])
        rows: FacetRows = set()
        for pk, country, interests, regions, languages in records:
            rows.add((pk, "country", country))
            codes = [code for code in (interests or "").split(",") if code]
            for code in codes:
                rows.add((pk, "interest", code))
            for region in {*(regions or []), *(region_of(code) for code in codes)} - {""}:
                rows.add((pk, "region", region))
            for language in languages or []:
                rows.add((pk, "language", language))
            rows |= {(pk, "theme", slug) for slug in themes[pk]}
        return rows

    def refresh_facets(self) -> int:
        ids = list(self.order_by().values_list("pk", flat=True))
        sync_facet_rows(
            PartnerSearchFacet, ids, PartnerSearch.objects.filter(pk__in=ids).facet_rows()
        )
        return len(ids)


class PartnerSearch(ThemedRecord, Publishable):
    """A city office's call for partners: published after review, shown until its end."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="partner_searches", verbose_name=_("city")
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("One line, e.g. “Partners for youth exchanges and urban gardens”."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Its address: made from the city and the title when left empty."),
    )
    offers = models.TextField(
        _("what the city offers"),
        help_text=_("Experience, projects, hosting, funding it brings to a partnership."),
    )
    looking_for = models.TextField(
        _("what the city looks for"),
        help_text=_("The kind of partner and cooperation the city hopes to find."),
    )
    themes = themes_field()
    countries = CountryField(
        _("countries of interest"),
        multiple=True,
        blank=True,
        help_text=_("Leave empty if any country is welcome."),
    )
    regions = models.JSONField(
        _("world regions of interest"),
        default=list,
        blank=True,
        validators=[validate_regions],
        help_text=_("UN M49 regions; leave empty if any region is welcome."),
    )
    languages = models.JSONField(
        _("working languages"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_("The languages the city office can work in."),
    )
    contact_office = models.CharField(
        _("office"),
        max_length=200,
        help_text=_(
            "The municipal office to write to, e.g. “International Relations Office”. An "
            "official contact of the municipality only: never a private person's name, "
            "address or telephone number."
        ),
    )
    contact_role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("A post, not a person: e.g. “Head of international relations”."),
    )
    contact_email = models.EmailField(
        _("office e-mail"),
        blank=True,
        help_text=_("A public address of the office (international@…), not a personal one."),
    )
    contact_url = models.URLField(
        _("office web page"),
        blank=True,
        help_text=_("The office's page on the municipality's website."),
    )
    starts = models.DateField(
        _("start"), default=timezone.localdate, help_text=_("Public from this day.")
    )
    ends = models.DateField(
        _("end"),
        help_text=_("The last day it is public; it disappears from the site the day after."),
    )

    objects = PartnerSearchQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("partner search")
        verbose_name_plural = _("partner searches")
        ordering = ["ends", "pk"]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")), name="partnersearch_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(contact_email="") | ~Q(contact_url=""),
                name="partnersearch_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city.name}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("seeking:search-detail", args=[self.slug])

    def make_slug(self) -> str:
        """``<city>-<title>``, numbered when taken ("florence-youth-exchanges-2"); never all
        digits, which the old addresses by number would take for an id."""
        base = slugify(f"{self.city.slug} {self.title}")[:190].strip("-") or "call"
        if base.isdigit():
            base = f"call-{base}"
        taken = set(
            PartnerSearch.objects.exclude(pk=self.pk)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = self.make_slug()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.starts and self.ends and self.ends < self.starts:
            errors["ends"] = ValidationError(
                _("The end cannot be before the start."), code="ends_before_start"
            )
        if not self.contact_email and not self.contact_url:
            errors["contact_email"] = ValidationError(
                _("Give the office's public e-mail or its web page (or both)."),
                code="no_contact",
            )
        if errors:
            raise ValidationError(errors)

    @property
    def starts_when(self) -> PartialDate:
        return PartialDate(self.starts, Precision.DAY)

    @property
    def ends_when(self) -> PartialDate:
        return PartialDate(self.ends, Precision.DAY)

    def region_labels(self) -> list[str]:
        return [str(REGIONS[slug]) for slug in self.regions or [] if slug in REGIONS]

    def language_labels(self) -> list[str]:
        labels = dict(LANGUAGE_CHOICES)
        return [str(labels[code]) for code in self.languages or [] if code in labels]


class PartnerSearchFacet(FacetRow):
    """The facet index of partner searches, kept in step by ``publishing.signals``."""

    record = models.ForeignKey(PartnerSearch, on_delete=models.CASCADE, related_name="facet_rows")

    class Meta:
        verbose_name = _("partner search facet value")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "facet", "value"], name="partnersearchfacet_unique"
            )
        ]
        indexes = [models.Index(fields=["facet", "value", "record"])]

    @classmethod
    def depends_on(cls) -> Dependencies:
        return {
            PartnerSearch: lambda search: PartnerSearch.objects.filter(pk=search.pk),
            ThemedItem: lambda item: (
                PartnerSearch.objects.filter(pk=item.object_id)
                if item.content_type.model_class() is PartnerSearch
                else PartnerSearch.objects.none()
            ),
            Theme: lambda theme: PartnerSearch.objects.filter(themes=theme),
            City: lambda city: PartnerSearch.objects.filter(city=city.pk),
        }
