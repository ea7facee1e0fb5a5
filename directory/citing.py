"""“Cite this”: a record's permanent URL with the access date, as text, BibTeX and CSL-JSON."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation

from agreements.models import Agreement, CulturalProject, Meeting, Partnership, Person
from cities.models import City, Network
from common import formats

PUBLISHER = "Twinning"


@dataclass(frozen=True)
class CitableKind:
    label: str
    records: Callable[[], QuerySet[Any]]
    title: Callable[[Any], str]


KINDS: dict[str, CitableKind] = {
    "partnership": CitableKind(
        "Partnership record",
        lambda: Partnership.objects.published().select_related("city_a", "city_b"),
        lambda p: f"{p.city_a.name} – {p.city_b.name} ({p.get_kind_display()})",
    ),
    "agreement": CitableKind(
        "Agreement record",
        Agreement.objects.public,
        lambda a: a.title,
    ),
    "meeting": CitableKind("Meeting record", Meeting.objects.public, lambda m: m.title),
    "project": CitableKind(
        "Cultural project record", CulturalProject.objects.public, lambda p: p.title
    ),
    "person": CitableKind("Person record", Person.objects.published, lambda p: p.name),
    "city": CitableKind("City record", City.objects.public, lambda c: c.name),
    "network": CitableKind("Network record", Network.objects.all, lambda n: n.name),
}


@dataclass(frozen=True)
class Citation:
    kind: str
    slug: str
    title: str
    url: str
    accessed: datetime.date
    updated: datetime.date | None

    @property
    def key(self) -> str:
        return f"twinning:{self.kind}:{self.slug}"

    @property
    def text(self) -> str:
        updated = f", updated {self.updated.isoformat()}" if self.updated else ""
        return (
            f"“{self.title}”. {PUBLISHER}{updated}. {self.url} "
            f"(accessed {self.accessed.isoformat()})."
        )

    @property
    def accessed_in_language(self) -> str:
        """The access date as the page's language writes it ("2 dicembre 2026")."""
        return formats.date_at_precision(self.accessed, "day")

    @property
    def updated_in_language(self) -> str:
        return formats.date_at_precision(self.updated, "day") if self.updated else ""

    @property
    def bibtex(self) -> str:
        year = (self.updated or self.accessed).year
        fields = [
            ("title", bibtex_escape(self.title)),
            ("author", "{" + PUBLISHER + "}"),
            ("organization", PUBLISHER),
            ("year", str(year)),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
            ("note", f"{KINDS[self.kind].label}. Accessed {self.accessed.isoformat()}"),
        ]
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}\n"

    @property
    def csl(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "container-title": PUBLISHER,
            "publisher": PUBLISHER,
            "genre": KINDS[self.kind].label,
            "URL": self.url,
            "accessed": {"date-parts": [date_parts(self.accessed)]},
        }
        if self.updated:
            item["issued"] = {"date-parts": [date_parts(self.updated)]}
        return item


def date_parts(date: datetime.date) -> list[int]:
    return [date.year, date.month, date.day]


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def bibtex_escape(text: str) -> str:
    text = text.replace("\\", r"\textbackslash{}").replace("~", r"\textasciitilde{}")
    text = text.replace("^", r"\textasciicircum{}")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def citation_for(kind: str, record: Model, request: HttpRequest) -> Citation:
    with translation.override(settings.LANGUAGE_CODE):  # the permanent, unprefixed address
        url = request.build_absolute_uri(record.get_absolute_url())  # type: ignore[attr-defined]
    updated = getattr(record, "updated_at", None)
    return Citation(
        kind=kind,
        slug=record.slug,  # type: ignore[attr-defined]
        title=KINDS[kind].title(record),
        url=url,
        accessed=timezone.localdate(),
        updated=updated.date() if updated else None,
    )
