"""OpenAPI: every operation documents the errors it can return, not only its success."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field

from agreements.filters import CountryPairFilter, NetworkFacetFilter, ThemeFacetFilter

# Filters whose values come from the database: documented as strings with where to find them.
extend_schema_field({"type": "string", "description": "A theme's slug: see /api/v1/themes/."})(
    ThemeFacetFilter
)
extend_schema_field(
    {
        "type": "string",
        "description": "A network's slug: partnerships whose cities are current "
        "members. See /api/v1/networks/.",
    }
)(NetworkFacetFilter)
extend_schema_field(
    {
        "type": "string",
        "pattern": "^[A-Z]{2}-[A-Z]{2}$",
        "description": "Two ISO country codes in alphabetical order: DE-FR.",
    }
)(CountryPairFilter)

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "For each parameter that could not be understood, its messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add 400 (bad parameters), 404 and 429 (rate limit) to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR
    components["ValidationError"] = VALIDATION_ERROR
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault(
                    "400",
                    {
                        "description": "A parameter has an unknown or malformed value.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ValidationError"}
                            }
                        },
                    },
                )
            responses.setdefault(
                "404",
                {
                    "description": "No published record with this slug"
                    if "{slug}" in path
                    else "No such page of results.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            )
            responses.setdefault(
                "429",
                {
                    "description": "Too many requests: the Retry-After header says when to "
                    "try again.",
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            )
    return result
