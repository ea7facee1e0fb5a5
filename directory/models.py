"""What the public site keeps of its own: the version of the content its caches were made from."""

import time

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Greatest


class ContentVersion(models.Model):
    """One row whose number moves whenever a record changes.

    Cached results (facet counts, the home page, charts) are keyed by it, so a publication
    invalidates them in every web process at once, whatever the cache backend.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content version"

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def current(cls) -> int:
        value = cls.objects.filter(pk=1).values_list("value", flat=True).first()
        return int(value or 0)

    @classmethod
    def bump(cls) -> None:
        # A new number every time, even after a rolled-back bump: the clock, not a counter
        # that a rollback could take back to a value whose caches hold rolled-back data.
        stamp = time.time_ns()
        if not cls.objects.filter(pk=1).update(value=Greatest(F("value") + 1, Value(stamp))):
            cls.objects.get_or_create(pk=1, defaults={"value": stamp})
