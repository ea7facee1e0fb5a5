"""The unmatched places queue (issue 12, "no phantom cities"): a place an import could not
match with confidence, and the rows waiting on it. Logic in ``agreements.unmatched``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cities.levels import MUNICIPALITY


class PlaceStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for a match")
    MATCHED = "matched", _("matched to a city")
    CREATED = "created", _("created as a city")
    REJECTED = "rejected", _("rejected")


class UnmatchedPlace(models.Model):
    """A place as a file writes it that matched no city with confidence."""

    name = models.CharField(_("name as written"), max_length=200)
    country = CountryField(_("country"))
    level = models.CharField(_("level"), max_length=16, default=MUNICIPALITY)
    parent = models.CharField(_("its city"), max_length=200, blank=True)
    key = models.CharField(max_length=200, editable=False)
    latitude = models.DecimalField(
        _("latitude in the file"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude in the file"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    source = models.ForeignKey(
        "cities.Source", on_delete=models.CASCADE, related_name="unmatched_places"
    )
    profile = models.CharField(_("profile"), max_length=40)
    rows_waiting = models.PositiveIntegerField(_("rows waiting"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=PlaceStatus.choices, default=PlaceStatus.WAITING
    )
    city = models.ForeignKey(
        "cities.City", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unmatched place")
        verbose_name_plural = _("unmatched places")
        ordering = ["-rows_waiting", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "country", "level", "parent", "key"],
                name="unmatched_place_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["status", "country"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class RowStatus(models.TextChoices):
    WAITING = "waiting", _("waiting for a match")
    IMPORTED = "imported", _("imported")
    REJECTED = "rejected", _("rejected")


class WaitingRow(models.Model):
    """A row of an imported file that waits for its unmatched place(s): stored as read, with
    what it needs to be imported later as it would have been (profile, source, publish)."""

    source = models.ForeignKey("cities.Source", on_delete=models.CASCADE, related_name="+")
    profile = models.CharField(max_length=40)
    mapping = models.JSONField(default=dict, blank=True)  # the mapped profile's columns
    publish = models.BooleanField(default=False)
    file_name = models.CharField(max_length=255, blank=True)
    line = models.PositiveIntegerField()
    raw = models.JSONField()
    digest = models.CharField(max_length=64, editable=False)
    places = models.ManyToManyField(UnmatchedPlace, related_name="rows")
    status = models.CharField(max_length=10, choices=RowStatus.choices, default=RowStatus.WAITING)
    outcome = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["source", "digest"], name="waiting_row_once")
        ]

    def __str__(self) -> str:
        return f"{self.file_name}:{self.line}"
