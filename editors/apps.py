from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorsConfig(AppConfig):
    """Who may edit what: curators, city editors and their cities, the review queue, history."""

    name = "editors"
    verbose_name = _("Editors and review")
