"""Accepting a suggestion writes a draft and its source: a write across several models."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.claims import typed_claim
from agreements.models import Partnership, PartnershipKind
from cities.models import Citation, Source
from editors.access import city_ids, is_curator

from .models import Suggestion

YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


class CannotAccept(Exception):
    pass


def source_of(suggestion: Suggestion) -> Source:
    """The sender's source as a source record: a web address as its URL, a citation as its
    title. Its note says where it came from, never who sent it."""
    given = suggestion.source.strip()
    url = ""
    try:
        URLValidator()(given)
        url = given
    except ValidationError:
        pass
    return Source.objects.create(
        title=given[:500]
        or _("Suggestion from the public no. %(number)d") % {"number": suggestion.pk},
        url=url[:1000],
        language=(suggestion.language or "en").lower(),
        accessed=suggestion.created_at.date(),
        note=_("Given by a member of the public with suggestion no. %(number)d.")
        % {"number": suggestion.pk},
    )


def draft_partnership(suggestion: Suggestion, user: Any) -> Partnership:
    if suggestion.city is None or suggestion.partner is None:
        raise CannotAccept(
            _("Match both cities to the directory's cities first (a curator can set them).")
        )
    if suggestion.city_id == suggestion.partner_id:
        raise CannotAccept(_("A city cannot partner itself."))
    if not is_curator(user) and not {suggestion.city_id, suggestion.partner_id} & city_ids(user):
        raise CannotAccept(_("You can only add partnerships of your own cities."))
    partnership = Partnership(
        city_a=suggestion.city,
        city_b=suggestion.partner,
        kind=suggestion.partnership_kind or PartnershipKind.SISTER_CITY,
        established_as_written=suggestion.established[:100],
    )
    year = YEAR.search(suggestion.established)
    if year:
        partnership.established = datetime.date(int(year.group(1)), 1, 1)
        partnership.established_precision = "year"
    try:
        with transaction.atomic():
            partnership.save()
    except IntegrityError:
        raise CannotAccept(_("These two cities already have a partnership of this kind.")) from None
    return partnership


@transaction.atomic
def accept(suggestion: Suggestion, user: Any) -> None:
    """A draft with the change and the sender's source; nothing is published.

    A new partnership becomes a draft partnership citing the source. A correction of a
    published record is kept as an accepted draft correction with its source recorded, for
    an editor to apply in the record's admin page: the record itself is not touched, so the
    public sees nothing until that edit is reviewed and published as usual."""
    if suggestion.status != Suggestion.Status.NEW:
        raise CannotAccept(_("This suggestion was decided already."))
    source: Source | None
    if suggestion.kind == Suggestion.Kind.PARTNERSHIP:
        partnership = draft_partnership(suggestion, user)
        source = source_of(suggestion)
        Citation.objects.create(source=source, record=partnership)
        suggestion.draft_partnership = partnership
    else:
        source = source_of(suggestion) if suggestion.source.strip() else None
        record_claim(suggestion, source)
    suggestion.draft_source = source
    suggestion.status = Suggestion.Status.ACCEPTED
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user
    suggestion.save()


def record_claim(suggestion: Suggestion, source: Source | None) -> None:
    """A correction of a partnership's year, end, kind or status, with its source, becomes a
    claim beside those of the other sources: not cited and not preferred, so the public sees
    nothing of it until a curator prefers it (``agreements.claims.prefer``)."""
    record = suggestion.record
    if source is None or not isinstance(record, Partnership):
        return
    claim = typed_claim(suggestion.field, suggestion.proposed, suggestion.language)
    if claim is not None:
        claim.partnership, claim.source = record, source
        claim.save()


def decline(suggestion: Suggestion, user: Any, reason: str) -> None:
    if suggestion.status != Suggestion.Status.NEW:
        raise CannotAccept(_("This suggestion was decided already."))
    suggestion.status = Suggestion.Status.DECLINED
    suggestion.reason = reason
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = user
    suggestion.save()
