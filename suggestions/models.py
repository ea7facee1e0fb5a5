"""What the public proposes: a correction to a record, or a partnership the directory lacks.

A suggestion is never applied by itself. A curator, or an editor of a city it concerns,
accepts it (which writes a draft, never a published change) or declines it with a reason.
Nothing of a suggestion, least of all who sent it, appears on a public page, export or API.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from publishing.publication import choices_constraint


class SuggestionKind(models.TextChoices):
    CORRECTION = "correction", _("correction")
    PARTNERSHIP = "partnership", _("new partnership")


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("waiting for review")
    ACCEPTED = "accepted", _("accepted as a draft")
    DECLINED = "declined", _("declined")


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def concerning(self, city_ids: frozenset[int]) -> SuggestionQuerySet:
        """The suggestions about a record of one of the cities ``city_ids``."""
        through = Suggestion.cities.through.objects.filter(city_id__in=city_ids)
        return self.filter(pk__in=through.values("suggestion_id"))

    def waiting(self) -> SuggestionQuerySet:
        return self.filter(status=SuggestionStatus.NEW)


class Suggestion(models.Model):
    Kind = SuggestionKind
    Status = SuggestionStatus

    kind = models.CharField(_("kind"), max_length=12, choices=SuggestionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.NEW,
        db_index=True,
    )
    # A correction: the record it is about.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(_("record"), max_length=300, blank=True)
    field = models.CharField(
        _("field"), max_length=40, blank=True, help_text=_("Empty: described in the text.")
    )
    proposed = models.TextField(_("proposed change"), max_length=2000)
    # A new partnership: the two cities as typed, and the directory's cities they match.
    city_name = models.CharField(_("city, as typed"), max_length=200, blank=True)
    partner_name = models.CharField(_("partner city, as typed"), max_length=200, blank=True)
    city = models.ForeignKey(
        "cities.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city"),
    )
    partner = models.ForeignKey(
        "cities.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner city"),
    )
    partnership_kind = models.CharField(_("kind of partnership"), max_length=16, blank=True)
    established = models.CharField(_("established, as written"), max_length=100, blank=True)
    # Who says so, and how to tell them what became of it.
    source = models.CharField(
        _("source"), max_length=1000, blank=True, help_text=_("A web address or a citation.")
    )
    name = models.CharField(_("name of the sender"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail of the sender"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    # The cities whose editors review it (the record's, or the new partnership's).
    cities = models.ManyToManyField(
        "cities.City", blank=True, related_name="+", verbose_name=_("cities concerned")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason for declining"), blank=True)
    draft_source = models.ForeignKey(
        "cities.Source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source recorded"),
    )
    draft_partnership = models.ForeignKey(
        "agreements.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft partnership"),
    )

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion from the public")
        verbose_name_plural = _("suggestions from the public")
        ordering = ["-created_at"]
        constraints = [
            choices_constraint("kind", SuggestionKind, "suggestion"),
            choices_constraint("status", SuggestionStatus, "suggestion"),
            models.CheckConstraint(
                condition=Q(kind=SuggestionKind.PARTNERSHIP) | Q(object_id__isnull=False),
                name="suggestion_correction_has_record",
            ),
            models.CheckConstraint(
                condition=~Q(kind=SuggestionKind.PARTNERSHIP) | ~Q(source=""),
                name="suggestion_partnership_has_source",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == SuggestionKind.PARTNERSHIP:
            return f"{self.city_name} – {self.partner_name}"
        return self.record_label
