"""Keep derived columns in step with the records they come from, fixtures (raw saves) included.

The facet indexes of partnerships and projects are kept by ``publishing.signals`` from what
each index declares it depends on (``PartnershipFacet.depends_on``, ``ProjectFacet.depends_on``);
bulk writers (imports, restore) run in ``publishing.facets.indexes_deferred()`` and refresh
what they touched once at the end. What is left here are the search keys.
"""

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver

from .models import CulturalProject, Person


@receiver(pre_save, sender=Person)
@receiver(pre_save, sender=CulturalProject)
def refresh_search_key(sender: type, instance: Person | CulturalProject, **kwargs: Any) -> None:
    instance.refresh_search_key()
