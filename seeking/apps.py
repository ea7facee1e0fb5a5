from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeekingConfig(AppConfig):
    """Cities looking for partners: a city office's call, reviewed, public until its end."""

    name = "seeking"
    verbose_name = _("Cities seeking partners")

    def ready(self) -> None:
        from publishing.signals import watch

        watch(self)
