"""Keep derived columns in step with the records they come from, fixtures (raw saves) included.

The facet indexes of partnerships and projects (``PartnershipFacet``, ``ProjectFacet``) hold
what each record's facets are: its cities' countries and regions, its themes, its cities'
networks. Whatever changes one of those refreshes the rows of the records it touches. Bulk
writes (imports, generated data) bypass signals and call ``refresh_facets()`` themselves.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from cities.models import City, Network, NetworkMembership
from publishing.events import bulk_write

from .models import CulturalProject, Partnership, Person, Theme, ThemedItem

_deferred: ContextVar[bool] = ContextVar("facet_refresh_deferred", default=False)


def facets_are_deferred() -> bool:
    return _deferred.get()


@contextmanager
def facets_deferred() -> Iterator[None]:
    """A bulk write: within, saves do not refresh the facet indexes (the writer refreshes what
    it touched once at the end) and announce nothing; the block announces one public change
    at its end (``publishing.events.bulk_write``). Per context, so other requests are not
    affected."""
    token = _deferred.set(True)
    try:
        with bulk_write():
            yield
    finally:
        _deferred.reset(token)


@receiver(pre_save, sender=Person)
@receiver(pre_save, sender=CulturalProject)
def refresh_search_key(sender: type, instance: Person | CulturalProject, **kwargs: Any) -> None:
    instance.refresh_search_key()


@receiver(post_save, sender=Partnership)
def index_partnership(sender: type, instance: Partnership, **kwargs: Any) -> None:
    if _deferred.get():
        return
    Partnership.objects.filter(pk=instance.pk).refresh_facets()
    # A project's countries include those of its partnership's cities.
    CulturalProject.objects.filter(partnership=instance.pk).refresh_facets()


@receiver(post_save, sender=CulturalProject)
def index_project(sender: type, instance: CulturalProject, **kwargs: Any) -> None:
    if _deferred.get():
        return
    CulturalProject.objects.filter(pk=instance.pk).refresh_facets()


@receiver(m2m_changed, sender=CulturalProject.cities.through)
def index_project_cities(sender: type, instance: Any, **kwargs: Any) -> None:
    if _deferred.get():
        return
    if kwargs["action"] not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, CulturalProject):
        CulturalProject.objects.filter(pk=instance.pk).refresh_facets()
    else:  # the city side of the relation
        CulturalProject.objects.filter(cities=instance).refresh_facets()


@receiver(post_save, sender=ThemedItem)
@receiver(post_delete, sender=ThemedItem)
def index_themed_record(sender: type, instance: ThemedItem, **kwargs: Any) -> None:
    if _deferred.get():
        return
    model = instance.content_type.model_class()
    if model is Partnership:
        Partnership.objects.filter(pk=instance.object_id).refresh_facets()
    elif model is CulturalProject:
        CulturalProject.objects.filter(pk=instance.object_id).refresh_facets()


@receiver(post_save, sender=Theme)
def index_theme(sender: type, instance: Theme, raw: bool = False, **kwargs: Any) -> None:
    if _deferred.get():
        return
    if raw:
        return
    Partnership.objects.filter(themes=instance).refresh_facets()
    CulturalProject.objects.filter(themes=instance).refresh_facets()


@receiver(post_save, sender=City)
def index_city(sender: type, instance: City, **kwargs: Any) -> None:
    if _deferred.get():
        return
    Partnership.objects.involving(instance).refresh_facets()
    CulturalProject.objects.involving(instance).refresh_facets()


@receiver(post_save, sender=NetworkMembership)
@receiver(post_delete, sender=NetworkMembership)
def index_membership(sender: type, instance: NetworkMembership, **kwargs: Any) -> None:
    if _deferred.get():
        return
    Partnership.objects.involving_any([instance.city_id]).refresh_facets()


@receiver(post_save, sender=Network)
def index_network(sender: type, instance: Network, raw: bool = False, **kwargs: Any) -> None:
    if _deferred.get():
        return
    if raw:
        return
    members = NetworkMembership.objects.filter(network=instance).values("city")
    Partnership.objects.involving_any(members).refresh_facets()
