"""Generated data at the size of the real world, for load tests and benchmarks.

Deterministic for a seed: on top of the gazetteer's cities (or cities of its own when there is
no gazetteer), partnerships with a heavy-tailed number per city (a few cities with hundreds),
every kind and status, dates from 1920 to 2025 at mixed precision, themes, and in proportion
agreements (0.5 per partnership), meetings (1) and projects (0.3); a share stays unpublished.
Every generated record cites the Source "Generated demonstration data", so it can never be
mistaken for, or mixed with, sourced records. Written with bulk inserts: minutes for 200,000.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from cities.models import Citation, City, Source

from .models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    CulturalProject,
    Meeting,
    MeetingFormat,
    Partnership,
    PartnershipKind,
    PartnershipStatus,
    ProjectStatus,
    Theme,
    ThemedItem,
)

DEMO_SOURCE = "Generated demonstration data"
BATCH = 5000

KINDS = [
    (PartnershipKind.SISTER_CITY, 70),
    (PartnershipKind.FRIENDSHIP, 15),
    (PartnershipKind.COOPERATION, 12),
    (PartnershipKind.INSTITUTIONAL, 3),
]
STATUSES = [
    (PartnershipStatus.ACTIVE, 60),
    (PartnershipStatus.DORMANT, 15),
    (PartnershipStatus.ENDED, 10),
    (PartnershipStatus.PROPOSED, 5),
    (PartnershipStatus.SUSPENDED, 3),
    ("", 7),
]
PRECISIONS = [("year", 70), ("month", 15), ("day", 10), ("circa", 5)]
STATES = [("published", 92), ("draft", 5), ("in_review", 3)]


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def random_date(rng: random.Random) -> tuple[datetime.date, str]:
    year = min(2025, max(1920, int(rng.gauss(1985, 20))))
    precision = pick(rng, PRECISIONS)
    month = rng.randint(1, 12) if precision in ("month", "day") else 1
    day = rng.randint(1, 28) if precision == "day" else 1
    return datetime.date(year, month, day), precision


@dataclass
class DemoReport:
    cities_created: int = 0
    partnerships: int = 0
    agreements: int = 0
    meetings: int = 0
    projects: int = 0


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.report = DemoReport()

    def cities(self, wanted: int) -> list[City]:
        """The gazetteer's cities, or demo cities when there are too few."""
        cities = list(
            City.objects.filter(latitude__isnull=False).only("pk", "slug").order_by("pk")[:wanted]
        )
        missing = wanted - len(cities)
        if missing > 0:
            countries = ["FR", "DE", "IT", "ES", "PL", "US", "JP", "CN", "BR", "IR", "VN", "NG"]
            start = City.objects.filter(slug__startswith="demo-city-").count()
            created = City.objects.bulk_create(
                City(
                    name=f"Demo City {start + n}",
                    slug=f"demo-city-{start + n}",
                    country=self.rng.choice(countries),
                    latitude=Decimal(f"{self.rng.uniform(-50, 65):.5f}"),
                    longitude=Decimal(f"{self.rng.uniform(-170, 170):.5f}"),
                    search_key=f"demo city {start + n}",
                )
                for n in range(missing)
            )
            self.report.cities_created = len(created)
            cities += created
        self.rng.shuffle(cities)
        return cities

    def pairs(self, cities: list[City], count: int) -> Iterator[tuple[City, City, str]]:
        """Unordered pairs and kinds, heavy-tailed: the city of rank r is drawn with weight
        (r + 100) ** -0.8, so that at 200,000 partnerships the busiest cities have about 300
        partners and a few hundred have over 100, as in Wikidata's twin towns."""
        weights = [(rank + 100) ** -0.8 for rank in range(len(cities))]
        seen: set[tuple[int, int, str]] = {
            (a, b, kind)
            for a, b, kind in Partnership.objects.values_list("city_a", "city_b", "kind")
        }
        made = 0
        while made < count:
            first, second = self.rng.choices(cities, weights, k=2)
            if first.pk == second.pk:
                continue
            low, high = sorted((first, second), key=lambda city: city.pk)
            kind = pick(self.rng, KINDS)
            if (low.pk, high.pk, kind) in seen:
                continue
            seen.add((low.pk, high.pk, kind))
            made += 1
            yield low, high, kind

    @transaction.atomic
    def run(self, partnerships: int) -> DemoReport:
        source, _ = Source.objects.get_or_create(
            title=DEMO_SOURCE,
            defaults={"language": "en", "note": "Not real records: made by generate_demo."},
        )
        theme_ids = list(Theme.objects.values_list("pk", flat=True))
        cities = self.cities(max(200, min(60_000, partnerships // 3)))
        slugs = set(Partnership.objects.values_list("slug", flat=True))
        batch: list[Partnership] = []
        for low, high, kind in self.pairs(cities, partnerships):
            slug = f"{low.slug}-{high.slug}"[:180]
            if kind != PartnershipKind.SISTER_CITY:
                slug = f"{slug}-{kind}"
            while slug in slugs:
                slug = f"{slug}-{self.rng.randint(2, 10**6)}"
            slugs.add(slug)
            established, precision = random_date(self.rng)
            status = pick(self.rng, STATUSES)
            ended_year = min(2025, established.year + self.rng.randint(1, 30))
            if status == PartnershipStatus.ENDED and ended_year <= established.year:
                status = PartnershipStatus.ACTIVE  # too recent to have ended
            batch.append(
                Partnership(
                    city_a_id=low.pk,
                    city_b_id=high.pk,
                    kind=kind,
                    status=status,
                    slug=slug,
                    established=established if self.rng.random() < 0.85 else None,
                    established_precision=precision,
                    ended=datetime.date(ended_year, 1, 1)
                    if status == PartnershipStatus.ENDED
                    else None,
                    ended_precision="year" if status == PartnershipStatus.ENDED else "",
                    summary="Generated demonstration record.",
                    publication_state=pick(self.rng, STATES),
                )
            )
            if len(batch) == BATCH:
                self.write(batch, source, theme_ids)
                batch = []
        if batch:
            self.write(batch, source, theme_ids)
        return self.report

    def write(self, batch: list[Partnership], source: Source, theme_ids: list[int]) -> None:
        for partnership in batch:
            if partnership.established is None:
                partnership.established_precision = ""
            else:
                partnership.normalise_partial_dates()
        created = Partnership.objects.bulk_create(batch)
        rng = self.rng
        kind_of = ContentType.objects.get_for_model
        themed = [
            ThemedItem(content_type=kind_of(Partnership), object_id=p.pk, tag_id=theme)
            for p in created
            for theme in rng.sample(theme_ids, rng.randint(0, 3))
        ]
        ThemedItem.objects.bulk_create(themed)
        agreements = [
            Agreement(
                partnership=p,
                title=f"Agreement of {p.slug}",
                slug=f"agreement-{p.slug}",
                kind=rng.choice(AgreementKind.values),
                status=rng.choice(AgreementStatus.values),
                signed=p.established,
                signed_precision=p.established_precision,
                publication_state=p.publication_state,
            )
            for p in created
            if rng.random() < 0.5
        ]
        Agreement.objects.bulk_create(agreements)
        meetings = [
            Meeting(
                partnership=p,
                title=f"Meeting of {p.slug}",
                slug=f"meeting-{p.slug}",
                format=rng.choice(MeetingFormat.values),
                date=datetime.date(rng.randint(1990, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                date_precision="day",
                place_id=p.city_a_id,
                publication_state=p.publication_state,
            )
            for p in created
        ]
        Meeting.objects.bulk_create(meetings)
        projects = [
            CulturalProject(
                partnership=p,
                title=f"Project of {p.slug}",
                slug=f"project-{p.slug}",
                status=rng.choice(ProjectStatus.values),
                start=datetime.date(rng.randint(1990, 2025), 1, 1),
                start_precision="year",
                publication_state=p.publication_state,
                search_keys=f"|project of {p.slug.replace('-', ' ')}|",
            )
            for p in created
            if rng.random() < 0.3
        ]
        CulturalProject.objects.bulk_create(projects)
        Citation.objects.bulk_create(
            Citation(source=source, content_type=kind_of(Partnership), object_id=p.pk)
            for p in created
        )
        Partnership.objects.filter(pk__in=[p.pk for p in created]).refresh_facets()
        CulturalProject.objects.filter(pk__in=[p.pk for p in projects]).refresh_facets()
        self.report.partnerships += len(created)
        self.report.agreements += len(agreements)
        self.report.meetings += len(meetings)
        self.report.projects += len(projects)
