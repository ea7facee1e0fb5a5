"""A partnership's history in date order: status changes, agreements, meetings and projects."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, CulturalProject, Meeting, StatusChange
from common.dates import PartialDate
from common.translations import TranslatedText

KIND_LABELS = {
    "status": _("Status"),
    "agreement": _("Agreement"),
    "meeting": _("Meeting"),
    "project": _("Project"),
}


@dataclass
class Event:
    kind: str
    when: PartialDate | None
    title: str
    # A status change's note in the page's language (or its original, tagged as such).
    detail: str | TranslatedText
    record: models.Model | None
    # (date, precision rank, position): undated status steps keep their place in the sequence.
    sort_key: tuple[datetime.date, float, int]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def url(self) -> str:
        if self.record is None or not hasattr(self.record, "get_absolute_url"):
            return ""
        return str(self.record.get_absolute_url())


UNDATED = datetime.date.max


def partnership_timeline(
    status_changes: Iterable[StatusChange],
    agreements: Iterable[Agreement],
    meetings: Iterable[Meeting],
    projects: Iterable[CulturalProject],
) -> list[Event]:
    """Every dated event in order, each at its precision; undated ones last.

    A status change without a date ("dormant") follows the step before it in the partnership's
    recorded sequence, so the history reads active 1998, dormant, active c. 2017.
    """
    events: list[Event] = []
    previous: tuple[datetime.date, float, int] = (datetime.date.min, 0, 0)
    for position, change in enumerate(sorted(status_changes, key=lambda c: c.sequence)):
        when = change.date_when
        if when is not None:
            key: tuple[datetime.date, float, int] = (*when.sort_key, position)
        else:
            key = (previous[0], previous[1] + 0.5, position)
        previous = key
        note = change.in_language("note")
        events.append(Event("status", when, change.get_status_display(), note, None, key))

    def dated(
        kind: str, when: PartialDate | None, title: str, detail: str, record: models.Model
    ) -> None:
        key = (*when.sort_key, 0) if when else (UNDATED, 0, 0)
        events.append(Event(kind, when, title, detail, record, key))

    for agreement in agreements:
        dated(
            "agreement",
            agreement.signed_when,
            agreement.title,
            agreement.get_status_display(),
            agreement,
        )
    for meeting in meetings:
        dated("meeting", meeting.date_when, meeting.title, meeting.get_format_display(), meeting)
    for project in projects:
        dated("project", project.start_when, project.title, project.get_status_display(), project)
    return sorted(events, key=lambda event: event.sort_key)
