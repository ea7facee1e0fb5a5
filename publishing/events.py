"""One event for a change the public can see, sent once per transaction, after it commits.

Whatever keeps public state derived from the records (the content version that every cached
page, count and bitmap is keyed by) listens to ``public_change``; nothing listens to saves.

- A single save announces itself only when the public can see it (``is_public_change``): a
  record published now or before the change, or reference data (cities, networks, sources). A
  draft edited, or a draft's citation added, moves nothing.
- A bulk write (imports, ``restore``, ``generate_demo``, ``import_cities``) runs inside
  ``bulk_write()``: the saves within announce nothing, and the block announces once at its end.
- Announcements within one transaction are one event, sent on commit; a rolled-back
  transaction sends none (Django drops its on-commit callbacks).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models, transaction
from django.dispatch import Signal

public_change = Signal()

_bulk: ContextVar[bool] = ContextVar("publishing_bulk_write", default=False)

PUBLISHED = "published"


def in_bulk_write() -> bool:
    return _bulk.get()


def _send() -> None:
    public_change.send(sender=None)


def announce(using: str | None = None) -> None:
    """The public's view changed: say so once this transaction commits (at once outside one)."""
    connection = transaction.get_connection(using)
    # A test case's own wrapping transaction never commits: like Django's ``durable`` check,
    # count only the transactions the code opened.
    if not any(not block._from_testcase for block in connection.atomic_blocks):
        _send()
        return
    # Once per transaction: the callback already waiting is enough.
    if any(callback is _send for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_send, using=using)


@contextmanager
def bulk_write(using: str | None = None) -> Iterator[None]:
    """Within, saves announce nothing; at the end, one announcement for all of them (sent on
    commit if a transaction is open, and not at all if it rolls back)."""
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)
    announce(using)


def was_published(instance: models.Model) -> bool:
    """Whether the record was published when it was loaded or last saved."""
    return bool(getattr(instance, "_published_when_loaded", False))


def remember_state(instance: models.Model) -> None:
    """Note the state the record is stored in now (on loading it and after each save)."""
    state = instance.__dict__.get("publication_state")
    instance._published_when_loaded = state == PUBLISHED  # type: ignore[attr-defined]


def is_public_change(instance: models.Model) -> bool:
    """Whether saving (or deleting) ``instance`` changes what the public sees.

    A publishable record: if it is published, or was before this change. A row that belongs to
    a record (a status change, signatory, citation, theme tag: ``public_parent()``): if that
    record's change would be. Anything else (cities, names, networks, sources) is reference
    data that public pages show: always."""
    if hasattr(instance, "publication_state"):
        return instance.publication_state == PUBLISHED or was_published(instance)
    parent = getattr(instance, "public_parent", None)
    if callable(parent):
        record = parent()
        return record is None or is_public_change(record)
    return True
