from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Places, networks and sources")

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the search-key receivers
