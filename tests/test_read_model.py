"""The read model's own promises: each facet index follows what it declares it depends on
(``FacetRow.depends_on``), whatever side of a relation changes, and bulk writers refresh once."""

from typing import Any

import pytest

from agreements.models import CulturalProject, Partnership, PartnershipFacet, ProjectFacet, Theme
from publishing.facets import indexes_deferred

from .factories import CityFactory, PartnershipFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def rows(index: Any, record: Any, facet: str) -> set[str]:
    return set(index.objects.filter(record=record, facet=facet).values_list("value", flat=True))


def test_a_projects_index_follows_its_cities_its_partnership_and_its_themes() -> None:
    iran = CityFactory(country="IR")
    project = ProjectFactory(
        partnership=PartnershipFactory(
            city_a=CityFactory(country="IT"), city_b=CityFactory(country="FR")
        )
    )
    assert rows(ProjectFacet, project, "country") == {"IT", "FR"}
    project.cities.add(iran)  # the project's side of the relation
    assert rows(ProjectFacet, project, "country") == {"IT", "FR", "IR"}
    iran.projects.remove(project)  # the city's side
    assert rows(ProjectFacet, project, "country") == {"IT", "FR"}
    partnership = project.partnership
    partnership.city_b = CityFactory(country="VN")
    partnership.save()
    assert rows(ProjectFacet, project, "country") == {"IT", "VN"}
    project.themes.add(Theme.objects.get(slug="music"))
    assert rows(ProjectFacet, project, "theme") == {"music"}


def test_within_a_bulk_write_the_index_waits_for_the_writer() -> None:
    partnership = PartnershipFactory(status="active")
    with indexes_deferred():
        partnership.status = "dormant"
        partnership.save()
        assert rows(PartnershipFacet, partnership, "status") == {"active"}
        Partnership.objects.filter(pk=partnership.pk).refresh_facets()
    assert rows(PartnershipFacet, partnership, "status") == {"dormant"}
    project = ProjectFactory(status="planned")
    with indexes_deferred():
        CulturalProject.objects.filter(pk=project.pk).update(status="completed")
    assert rows(ProjectFacet, project, "status") == {"planned"}  # nothing saved, nothing done
