from typing import Any

from django.core.management.base import BaseCommand

from agreements.models import CulturalProject, Partnership, PartnershipFacet, ProjectFacet
from common.db import analyze


class Command(BaseCommand):
    help = (
        "Rebuild the facet indexes of partnerships and projects from their records. Signals keep "
        "them in step; run this after writes that bypass them (raw SQL, bulk updates)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        partnerships = Partnership.objects.all().refresh_facets()
        projects = CulturalProject.objects.all().refresh_facets()
        analyze(PartnershipFacet, ProjectFacet)  # the planner's statistics for the new rows
        self.stdout.write(f"Indexed {partnerships} partnerships and {projects} projects.")
