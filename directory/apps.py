from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The public site: browse, search and record pages over published records."""

    name = "directory"
    verbose_name = _("Public directory")
