"""Each request reads the content version once (publishing.models.read_once)."""

from typing import Any

from .models import read_once


class ContentVersionMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with read_once():
            return self.get_response(request)
