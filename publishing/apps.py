from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """What the public sees and when it changes: the lowest layer, importing only Django.

    It owns the publication state (``Publishable``), the one public-change event, the content
    version, the facet index and its bitmaps, and the caches keyed by the version.
    """

    name = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from . import signals

        signals.connect()
