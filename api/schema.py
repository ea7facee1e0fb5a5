"""OpenAPI: every operation documents the errors it can return, not only its success."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django_countries import countries
from drf_spectacular.utils import extend_schema_field

from agreements.filters import (
    MAX_QUERY_LENGTH,
    CityFilter,
    CountryPairFilter,
    NetworkFacetFilter,
    SearchFilter,
    ThemeFacetFilter,
    YearFilter,
)
from agreements.models import Theme
from cities.models import Network

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
# Any two country codes (Kosovo's XK included), in either order: FR-DE is read as DE-FR.
COUNTRY_CODE = "(?:" + "|".join(sorted(countries.countries)) + ")"
extend_schema_field(
    {
        "type": "string",
        "pattern": f"^(?:{COUNTRY_CODE}-{COUNTRY_CODE})?$",  # empty is no filter
        "description": "Two ISO country codes: DE-FR (the same pair as FR-DE).",
    }
)(CountryPairFilter)
extend_schema_field({"type": "string", "maxLength": MAX_QUERY_LENGTH})(SearchFilter)
# A slug (an unknown one matches nothing, as a search for a name nobody has).
extend_schema_field({"type": "string", "maxLength": 100, "pattern": "^[-a-zA-Z0-9_]*$"})(CityFilter)
# The years a calendar holds (MeetingFilter.year): 0 or 10000 is a 400, not a server error.
extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})(YearFilter)

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


# Django's forms refuse text with a NUL character (a 400): the schema says so.
NO_NUL = "^[^\\x00]*$"
# Years and decades as patterns rather than enums of 1,300 and 130 values, which a client (and
# schemathesis, one request per value) would have to read through: agreements.filters.YEARS
# (800 to 2099) and DECADES (800 to 2090); tests/test_api_contract.py checks both.
NUMBER_PATTERNS = {
    "year": "^(?:[89][0-9]{2}|1[0-9]{3}|20[0-9]{2})?$",
    "decade": "^(?:[89][0-9]|1[0-9]{2}|20[0-9])0$|^not_stated$|^$",
}


def parameter_values(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """What the query parameters accept, as the FilterSets check it: the theme and network
    slugs, read from the database when the schema is asked for (another value is a 400);
    searches as long as the FilterSets allow; no text with a NUL character; and, as on the
    browse pages, an empty value, which is no filter."""
    try:
        values = {
            "theme": sorted(Theme.objects.values_list("slug", flat=True)),
            "network": sorted(Network.objects.values_list("slug", flat=True)),
        }
    except DatabaseError:  # `manage.py spectacular` without a database: slugs as strings
        values = {}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") != "query":
                    continue
                if parameter["name"] in values and schema.get("type") == "array":
                    schema["items"] = {**schema["items"], "enum": values[parameter["name"]]}
                elif parameter["name"] == "q" and schema.get("type") == "string":
                    schema["maxLength"] = MAX_QUERY_LENGTH
                text = schema["items"] if schema.get("type") == "array" else schema
                if parameter["name"] in NUMBER_PATTERNS and "enum" in text:
                    del text["enum"]
                    text.update(type="string", pattern=NUMBER_PATTERNS[parameter["name"]])
                if text.get("type") == "string" and not {"enum", "pattern"} & set(text):
                    text["pattern"] = NO_NUL
                if "enum" in text and "" not in text["enum"]:
                    text["enum"] = [*text["enum"], ""]  # empty is no filter (clean_query)
    return result


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add 400 (bad parameters), 404 and 429 (rate limit) to every operation, and the values
    that parameters take (``parameter_values``)."""
    parameter_values(result)
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
