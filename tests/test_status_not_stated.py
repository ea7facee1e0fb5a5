"""Honest counts: a partnership whose sources state no status is counted as "not stated"."""

from typing import Any

import pytest
from django.urls import reverse

from .factories import PartnershipFactory

pytestmark = pytest.mark.django_db

BROWSE = reverse("directory:partnership-list")


def test_the_status_facet_counts_partnerships_without_a_status_as_not_stated(
    client: Any,
) -> None:
    active = PartnershipFactory(status="active")
    unknown = [PartnershipFactory(status=""), PartnershipFactory(status="")]
    facets = {f.name: f for f in client.get(BROWSE).context["facets"]}
    options = {o.value: (o.count, o.label) for o in facets["status"].options}
    assert options == {"active": (1, "active"), "not_stated": (2, "not stated by the sources")}
    response = client.get(BROWSE, {"status": "not_stated"})
    assert {p.slug for p in response.context["page"].object_list} == {p.slug for p in unknown}
    response = client.get(BROWSE, {"status": ["not_stated", "active"]})
    assert response.context["page"].paginator.count == 3
    assert active.slug in {p.slug for p in response.context["page"].object_list}


@pytest.mark.parametrize("bitmaps", ["sync", "off"])
def test_the_decade_facet_counts_partnerships_without_a_year_as_not_stated(
    client: Any, settings: Any, bitmaps: str
) -> None:
    settings.FACET_BITMAPS = bitmaps
    dated = PartnershipFactory(established="1998-01-01", established_precision="year")
    undated = [
        PartnershipFactory(established=None, established_precision=""),
        PartnershipFactory(established=None, established_precision=""),
    ]
    facets = {f.name: f for f in client.get(BROWSE).context["facets"]}
    options = {o.value: (o.count, o.label) for o in facets["decade"].options}
    assert options == {"1990": (1, "1990s"), "not_stated": (2, "not stated by the sources")}
    response = client.get(BROWSE, {"decade": "not_stated"})
    assert {p.slug for p in response.context["page"].object_list} == {p.slug for p in undated}
    api = client.get("/api/v1/partnerships/", {"decade": "not_stated"})
    assert api.status_code == 200 and api.json()["count"] == 2
    assert dated.slug not in {row["slug"] for row in api.json()["results"]}


def test_the_decade_chart_ends_with_the_partnerships_whose_year_is_not_stated(
    client: Any,
) -> None:
    PartnershipFactory(established="1998-01-01", established_precision="year")
    PartnershipFactory(established=None, established_precision="")
    chart = client.get(reverse("directory:partnership-charts")).context["decades"]
    assert [(bar.label, bar.value) for bar in chart.bars] == [
        ("1990s", 1),
        ("not stated by the sources", 1),
    ]
