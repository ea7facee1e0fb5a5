"""What each source states about a partnership, kept side by side (issue 12).

A partnership is one record however many sources name it; each source that states its year,
end, kind or status leaves a ``Claim``: the value as that source gives it (a date at its own
precision), with the citation it came with. The record's own field is the preferred value.
An import fills an empty field from the first source that states it and otherwise leaves the
record as it is, keeping every claim; which claim is preferred when sources disagree is a
curator's choice (``prefer``), recorded on the claim (who, when) and in the record's history
(a change reason naming the claim).

A claim is public with its citation: an imported row's claims are cited at once; a claim from
a suggestion of the public has no citation until a curator prefers it, so that accepting a
suggestion changes nothing the public sees.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cities.models import Citation, Source
from common.dates import (
    PRECISION_RANK,
    PartialDate,
    PartialDateDescriptor,
    PartialDateModel,
    Precision,
    partial_date_constraints,
    partial_date_fields,
    truncate,
)

from .models import Partnership, PartnershipKind, PartnershipStatus


class ClaimField(models.TextChoices):
    ESTABLISHED = "established", _("established")
    ENDED = "ended", _("ended")
    KIND = "kind", _("kind")
    STATUS = "status", _("status")


DATE_FIELDS = (ClaimField.ESTABLISHED, ClaimField.ENDED)
CHOICES: dict[str, type[models.TextChoices]] = {
    ClaimField.KIND: PartnershipKind,
    ClaimField.STATUS: PartnershipStatus,
}


class ClaimQuerySet(models.QuerySet["Claim"]):
    def public(self) -> ClaimQuerySet:
        """Claims the public may read: cited (a suggestion's claim is not until preferred),
        of a published partnership."""
        return self.filter(
            citation__isnull=False, partnership__in=Partnership.objects.public().values("pk")
        )


class Claim(PartialDateModel):
    """What one source (through one citation) states for one field of a partnership."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="claims", verbose_name=_("partnership")
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="claims", verbose_name=_("source")
    )
    citation = models.ForeignKey(
        Citation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("citation"),
    )
    field = models.CharField(_("field"), max_length=11, choices=ClaimField.choices)
    # A kind's or status's code; empty for a date.
    value = models.CharField(_("value"), max_length=16, blank=True)
    date, date_precision, date_as_written = partial_date_fields(_("date"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The last time a curator preferred this claim, and who.
    chosen_at = models.DateTimeField(_("preferred on"), null=True, blank=True, editable=False)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("preferred by"),
    )

    date_when = PartialDateDescriptor("date")

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["partnership", "field", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=ClaimField.values), name="claim_field_valid"
            ),
            # A date claim states a date, a kind or status claim a value of its choices.
            models.CheckConstraint(
                condition=(
                    Q(field__in=DATE_FIELDS, date__isnull=False, value="")
                    | Q(
                        field=ClaimField.KIND,
                        date__isnull=True,
                        value__in=PartnershipKind.values,
                    )
                    | Q(
                        field=ClaimField.STATUS,
                        date__isnull=True,
                        value__in=PartnershipStatus.values,
                    )
                ),
                name="claim_states_a_value_of_its_field",
            ),
            *partial_date_constraints("date", "claim"),
            # One claim per field and citation: importing a file twice adds none.
            models.UniqueConstraint(
                fields=["citation", "field"],
                condition=Q(citation__isnull=False),
                name="claim_one_per_citation_and_field",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "field"])]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.display_value()}: {self.source}"

    def public_parent(self) -> Partnership:
        """The record whose publication decides whether this claim's change is public."""
        return self.partnership

    def display_value(self) -> str:
        """The value in the active language: "1967", "February 2021", "friendship"."""
        if self.field in DATE_FIELDS:
            return str(self.date_when or "")
        return str(dict(CHOICES[self.field].choices).get(self.value, self.value))

    def agrees_with(self, partnership: Partnership) -> bool:
        """Whether the record states what this claim does (a year agrees with a day in it)."""
        return agree(self.stated(), record_value(partnership, self.field))

    def stated_text(self) -> str:
        """The value as codes, for the history: "1968", "1968-05", "friendship"."""
        if self.field in DATE_FIELDS and self.date_when is not None:
            return str(self.date_when.iso)
        return self.value

    def stated(self) -> Value:
        if self.field in DATE_FIELDS:
            return (self.date, self.date_precision) if self.date else None
        return self.value or None


# A field's value: a code, or a date with its precision; None when not stated.
Value = str | tuple[datetime.date, str] | None


def record_value(partnership: Partnership, name: str) -> Value:
    if name in DATE_FIELDS:
        date = getattr(partnership, name)
        return (date, getattr(partnership, f"{name}_precision")) if date else None
    return getattr(partnership, name) or None


def agree(a: Value, b: Value) -> bool:
    """Two values agree when equal; two dates when the coarser contains the finer."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        coarser = max(a[1], b[1], key=lambda p: PRECISION_RANK.get(p, 0))
        coarse = Precision.YEAR if coarser == Precision.CIRCA else coarser
        return truncate(a[0], coarse) == truncate(b[0], coarse)
    return a == b


def stated_claims(
    kind: str = "",
    status: str = "",
    established: tuple[datetime.date, str] | None = None,
    ended: tuple[datetime.date, str] | None = None,
) -> list[Claim]:
    """Unsaved claims (no partnership, source or citation yet) for what a row states."""
    claims = []
    for name, value in ((ClaimField.KIND, kind), (ClaimField.STATUS, status)):
        if value:
            claims.append(Claim(field=name, value=value))
    for name, date in ((ClaimField.ESTABLISHED, established), (ClaimField.ENDED, ended)):
        if date:
            claims.append(
                Claim(field=name, date=truncate(date[0], date[1]), date_precision=date[1])
            )
    return claims


def take(partnership: Partnership, claim: Claim) -> None:
    """Set the record's field to what ``claim`` states (not saved)."""
    if claim.field in DATE_FIELDS:
        setattr(partnership, claim.field, claim.date)
        setattr(partnership, f"{claim.field}_precision", claim.date_precision)
        setattr(partnership, f"{claim.field}_as_written", claim.date_as_written)
    else:
        setattr(partnership, claim.field, claim.value)


class CannotPrefer(Exception):
    pass


@transaction.atomic
def prefer(claim: Claim, user: Any) -> Partnership:
    """Make ``claim`` the record's value, recording who chose it and when.

    The record is saved as any edit is (its history gets the change reason, the public sees
    the change at once if it is published); a suggestion's claim becomes cited by the record
    now, its source joining the record's sources."""
    partnership = Partnership.objects.select_for_update().get(pk=claim.partnership_id)
    take(partnership, claim)
    try:
        partnership.full_clean(exclude=["slug", "themes"], validate_unique=False)
    except ValidationError as error:
        raise CannotPrefer(" ".join(error.messages)) from None
    reason = f"preferred claim {claim.pk}: {claim.field} {claim.stated_text()} ({claim.source})"
    partnership._change_reason = reason[:100]
    partnership._history_user = user
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError:
        raise CannotPrefer(_("These two cities already have a partnership of this kind.")) from None
    if claim.citation_id is None:
        claim.citation = Citation.objects.create(source=claim.source, record=partnership)
    claim.chosen_at, claim.chosen_by = timezone.now(), user
    claim.save(update_fields=["citation", "chosen_at", "chosen_by"])
    return partnership


# -- the public page: where the sources differ ----------------------------------------------


@dataclass
class Statement:
    """One value of a disputed field, with the sources that state it."""

    value: str
    when: PartialDate | None
    sources: list[Source] = field(default_factory=list)
    preferred: bool = False


@dataclass
class Disagreement:
    field: str
    label: str
    statements: list[Statement]


FIELD_LABELS: dict[str, Any] = {
    ClaimField.ESTABLISHED: _("Established"),
    ClaimField.ENDED: _("Ended"),
    ClaimField.KIND: _("Kind"),
    ClaimField.STATUS: _("Status"),
}


def disagreements(partnership: Partnership, claims: list[Claim]) -> list[Disagreement]:
    """The fields whose claims do not all agree, each value once with its sources, the
    record's (preferred) value first."""
    found = []
    for name in ClaimField.values:
        of_field = [claim for claim in claims if claim.field == name]
        values: list[tuple[Value, Statement]] = []
        for claim in of_field:
            stated = claim.stated()
            statement = next((s for known, s in values if known == stated), None)
            if statement is None:
                when = claim.date_when if name in DATE_FIELDS else None
                statement = Statement(claim.display_value(), when)
                values.append((stated, statement))
            if claim.source not in statement.sources:
                statement.sources.append(claim.source)
        if len(values) < 2 or all(agree(values[0][0], other) for other, _s in values[1:]):
            continue
        current = record_value(partnership, name)
        for stated, statement in values:
            statement.preferred = current is not None and agree(stated, current)
        statements = [s for _v, s in values]
        statements.sort(key=lambda s: not s.preferred)
        found.append(Disagreement(name, str(FIELD_LABELS[name]), statements))
    return found


# -- a value typed by a person (a suggestion of the public) -----------------------------------

YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def typed_claim(name: str, text: str, language: str = "") -> Claim | None:
    """The unsaved claim that ``text`` makes for field ``name`` of a partnership (a year for a
    date; a kind or status by its code or its label in English or in ``language``), or None
    when it states none that can be read."""
    text = text.strip()
    if name in DATE_FIELDS:
        digits = text.translate(DIGITS)
        year = YEAR.search(digits)
        if year is None:
            return None
        return Claim(
            field=name,
            date=datetime.date(int(year.group(1)), 1, 1),
            date_precision=Precision.YEAR,
            date_as_written=text[:100] if text != year.group(1) else "",
        )
    if name not in CHOICES:
        return None
    wanted = text.casefold().replace("_", " ").strip(" .")
    for lang in dict.fromkeys(["en", language or "en"]):
        with translation.override(lang):
            for code, label in CHOICES[name].choices:
                if wanted in {code.replace("_", " "), str(label).casefold()}:
                    return Claim(field=name, value=code)
    return None


# Persian and Arabic-Indic digits read as ASCII ones ("۱۹۹۸").
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
