from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("Places, networks and sources")

    def ready(self) -> None:
        from publishing import signals as publishing

        from . import signals  # noqa: F401 - connects the search-key receivers

        publishing.watch(self)  # a public change of these records retires the public caches

        from publishing.bitmaps import on_warm

        from .models import City

        on_warm(lambda: City.objects.public_id_bitmap())  # one-letter searches need it
