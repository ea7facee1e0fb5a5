from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """What the public sees and when it changes: the lowest layer, importing only Django."""

    name = "publishing"
    verbose_name = "Publishing"
