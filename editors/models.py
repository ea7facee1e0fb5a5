"""City editors and the cities they keep.

A curator edits everything and publishes. A city editor is assigned one or more cities and
edits only the records that involve them; they write drafts and submit them for review.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CityAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="city_assignments",
        verbose_name=_("editor"),
    )
    city = models.ForeignKey(
        "cities.City",  # by name: roles sit below the places they are given (no import)
        on_delete=models.CASCADE,
        related_name="editor_assignments",
        verbose_name=_("city"),
    )

    class Meta:
        verbose_name = _("city of an editor")
        verbose_name_plural = _("cities of editors")
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="cityassignment_unique")
        ]
        permissions = [("publish_records", _("Can publish and withdraw records"))]

    def __str__(self) -> str:
        return f"{self.user} – {self.city}"
