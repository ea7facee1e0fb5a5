"""A change the public can see moves the content version, which retires every cached page part.

Saves of records are asked ``is_public_change`` (publishing/events.py): a draft's edit moves
nothing; bulk writers announce once at their end. The version moves on ``public_change``, sent
once per transaction after it commits.
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
