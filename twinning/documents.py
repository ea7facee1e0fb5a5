"""Signed documents: accepted by what they are, not by what they are called."""

from __future__ import annotations

from typing import Any

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_document(upload: Any) -> None:
    """A PDF or an image (settings.DOCUMENT_TYPES), no larger than DOCUMENT_MAX_BYTES."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The document is larger than %(limit)d MB."),
            code="document_too_large",
            params={"limit": settings.DOCUMENT_MAX_BYTES // 2**20},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(512)
    upload.seek(position)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in settings.DOCUMENT_TYPES:
        raise ValidationError(
            _("This file is not a PDF, PNG, JPEG or WebP document (whatever its name says)."),
            code="document_type",
        )


def document_content_type(head: bytes) -> str:
    kind = filetype.guess(head)
    return (
        kind.mime if kind and kind.mime in settings.DOCUMENT_TYPES else "application/octet-stream"
    )
