"""Any change to the records moves the content version, which retires every cached page part."""

from typing import Any

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from agreements.signals import facets_are_deferred

from .models import ContentVersion

WATCHED_APPS = ("cities", "agreements")


def content_changed(sender: type, **kwargs: Any) -> None:
    if facets_are_deferred():
        return  # a bulk writer bumps once when it is done
    ContentVersion.bump()


def connect() -> None:
    for model in apps.get_models():
        if model._meta.app_label in WATCHED_APPS and not model.__name__.startswith("Historical"):
            uid = f"content-version-{model._meta.label}"
            post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    content_changed,
                    sender=field.remote_field.through,
                    dispatch_uid=f"{uid}-{field.name}",
                )
