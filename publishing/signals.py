"""The read model's receivers, all of them: the facet indexes follow the records they are made
from, and a change the public can see moves the content version, which retires every cached
page part.

Saves of records are asked ``is_public_change`` (publishing/events.py): a draft's edit moves
nothing; bulk writers announce once at their end. The version moves on ``public_change``, sent
once per transaction after it commits. Each facet index declares what its rows depend on
(``FacetRow.depends_on``); ``watch()`` connects one receiver per dependency.
"""

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

from .events import (
    announce,
    in_bulk_write,
    is_public_change,
    public_change,
    remember_state,
)
from .facets import FacetRow, indexes_are_deferred
from .models import ContentVersion


def record_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    public = is_public_change(instance)
    if action is None:
        remember_state(instance)  # the next save compares with this one
    if public and not in_bulk_write():
        announce()


def move_content_version(sender: Any, **kwargs: Any) -> None:
    ContentVersion.bump()


def connect() -> None:
    public_change.connect(move_content_version, dispatch_uid="content-version")


def watch(app: AppConfig) -> None:
    """Every save and delete of the app's records is asked whether the public can see it.

    Called by each app whose records the public sees (its ``ready()``); derived rows (a
    facet index, ``is_derived``) and history rows are no change of their own.
    """
    for model in app.get_models():
        if issubclass(model, FacetRow):
            keep_index(model)
        derived = model.__name__.startswith("Historical") or getattr(model, "is_derived", False)
        if not derived:
            uid = f"content-version-{model._meta.label}"
            post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    record_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}-{field.name}",
                )


def keep_index(index: type[FacetRow]) -> None:
    """Refresh the rows of ``index`` that a change of each of its dependencies touches."""
    for dependency, touched in index.depends_on().items():
        uid = f"index-{index._meta.label}-{dependency._meta.label}"
        if dependency._meta.auto_created:  # an m2m relation's through model
            m2m_changed.connect(
                relation_changed(touched), sender=dependency, dispatch_uid=uid, weak=False
            )
        else:
            post_save.connect(
                saved(touched), sender=dependency, dispatch_uid=f"{uid}-save", weak=False
            )
            post_delete.connect(
                saved(touched), sender=dependency, dispatch_uid=f"{uid}-del", weak=False
            )


def saved(touched: Any) -> Any:
    def refresh(sender: type, instance: Any, **kwargs: Any) -> None:
        if not indexes_are_deferred():
            touched(instance).refresh_facets()

    refresh.__name__ = f"refresh_after_{getattr(touched, '__name__', 'change')}"
    return refresh


def relation_changed(touched: Any) -> Any:
    """A change of an m2m relation, from either side. From the other side (``reverse``) the
    touched records are the ones added or removed (``pk_set``), or, for a clear, the ones
    related just before it."""

    def refresh(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
        if indexes_are_deferred():
            return
        if action == "pre_clear":
            instance._cleared_records = list(touched(instance).values_list("pk", flat=True))
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        records = touched(instance)
        if action == "post_clear":
            records = records.model._default_manager.filter(pk__in=instance._cleared_records)
        elif kwargs.get("reverse") and kwargs.get("pk_set"):
            records = records.model._default_manager.filter(pk__in=kwargs["pk_set"])
        records.refresh_facets()

    return refresh
