from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Partnerships and their records")

    def ready(self) -> None:
        from publishing import signals as publishing

        from . import signals  # noqa: F401 - connects the receivers that keep indexes in step

        publishing.watch(self)  # a public change of these records retires the public caches
