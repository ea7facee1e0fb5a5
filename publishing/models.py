"""The version of the public content: every cache of what the public sees is keyed by it."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

# Within a request the version is read once (publishing.middleware opens the scope).
_in_request: ContextVar[bool] = ContextVar("content_version_scope", default=False)
_memo: ContextVar[int | None] = ContextVar("content_version", default=None)


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
        if _in_request.get() and (memo := _memo.get()) is not None:
            return memo
        value = int(cls.objects.filter(pk=1).values_list("value", flat=True).first() or 0)
        if _in_request.get():
            _memo.set(value)
        return value

    @classmethod
    def bump(cls) -> None:
        # A new number every time, even after a rolled-back bump: the clock, not a counter
        # that a rollback could take back to a value whose caches hold rolled-back data.
        _memo.set(None)
        stamp = time.time_ns()
        if not cls.objects.filter(pk=1).update(value=Greatest(F("value") + 1, Value(stamp))):
            cls.objects.get_or_create(pk=1, defaults={"value": stamp})


class ReadVersion(NamedTuple):
    """What the public reads depends on the records and on the day: a network membership that
    ends today counts today and not tomorrow. Every derived state (bitmaps, cached counts and
    pages) is keyed by both; a later version compares greater."""

    day: int  # the local date's ordinal
    content: int  # ContentVersion.current()

    def __str__(self) -> str:
        return f"{self.day}.{self.content}"


def read_version() -> ReadVersion:
    return ReadVersion(timezone.localdate().toordinal(), ContentVersion.current())


@contextmanager
def read_once() -> Iterator[None]:
    """Within the block (a request) the content version is read from the database at most
    once: every part of one page is made from the same version."""
    scope, memo = _in_request.set(True), _memo.set(None)
    try:
        yield
    finally:
        _memo.reset(memo)
        _in_request.reset(scope)
