"""Signed documents: accepted by what they are, not by what they are called."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
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


def served_as_attachment(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A signed document is downloaded, never shown in the site's origin: a PDF can carry
    script, and an upload is what its uploader made it. The browser saves it
    (``attachment``), would run nothing in it (``sandbox``) and does not guess its type."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            disposition = response.get("Content-Disposition", "")
            if disposition.startswith("inline"):
                disposition = "attachment" + disposition.removeprefix("inline")
            response["Content-Disposition"] = disposition or "attachment"
            response["Content-Security-Policy"] = "sandbox"
            response["X-Content-Type-Options"] = "nosniff"
        return response

    return wrapper
