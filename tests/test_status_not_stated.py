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
