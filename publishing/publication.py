"""The publication state that every editorial record carries.

``public()`` is the one door to the public: every page, count, search, export and API
response starts from it, so a draft cannot leak through a forgotten filter. It is
``published()``, narrowed for records that belong to a partnership (agreements, meetings,
projects): those are public only while their partnership is too.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from publishing.events import remember_state


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


_Record = TypeVar("_Record", bound=models.Model)


class PublishableQuerySet(models.QuerySet[_Record]):
    def published(self) -> Self:
        return self.filter(self.published_q())

    def published_q(self, prefix: str = "") -> Q:
        """``published()`` as a condition on the rows at the end of ``prefix``, for
        annotations and joins over a relation, e.g.
        ``Count("memberships", filter=NetworkMembership.objects.published_q("memberships__"))``
        (a method, not a static one, so that managers offer it too)."""
        return Q(**{f"{prefix}publication_state": PublicationState.PUBLISHED})

    def public(self) -> Self:
        """What the public site, API, exports, sitemap and feeds may show. For most records
        that is ``published()``; records that belong to another (a meeting to its
        partnership) narrow it, so that they cannot reveal a draft."""
        return self.published()

    def awaiting_review(self) -> Self:
        return self.filter(publication_state=PublicationState.IN_REVIEW)


class Publishable(models.Model):
    publication_state = models.CharField(
        _("publication state"),
        max_length=10,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text=_("Only published records appear on the public site, API and exports."),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishableQuerySet.as_manager()
    # Every change, by whom and when; each concrete record gets its own history table.
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(publication_state__in=PublicationState.values),
                name="%(app_label)s_%(class)s_publication_state_valid",
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        """As Django's, noting the state as stored: an edit is public if either state is."""
        instance = super().from_db(db, field_names, values)
        remember_state(instance)
        return instance

    @property
    def is_published(self) -> bool:
        return self.publication_state == PublicationState.PUBLISHED


def choices_constraint(
    field: str, choices: type[models.TextChoices], prefix: str, allow_blank: bool = False
) -> models.CheckConstraint:
    """A CHECK constraint that keeps ``field`` within ``choices`` whatever writes the row
    (or empty, when ``allow_blank``: the sources do not say)."""
    values = [*choices.values, ""] if allow_blank else choices.values
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": values}),
        name=f"{prefix}_{field}_valid",
    )
