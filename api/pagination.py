"""List responses: ``count``, page links, ``results`` and, for faceted listings, ``facets``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from publishing.facets import FacetedFilterSet, Listing, ListingPaginator


def listing_paginator(
    object_list: Any, per_page: int, *, filterset: Any = None, **kwargs: Any
) -> ListingPaginator:
    """The site's one paginator (``publishing.facets.ListingPaginator``): for a faceted
    FilterSet its counts and pages come from the listing (bitmaps when they can)."""
    listing = Listing(filterset) if isinstance(filterset, FacetedFilterSet) else None
    return ListingPaginator(object_list, per_page, listing=listing, **kwargs)


class FacetedPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    @staticmethod
    def whole_number(request: Request, name: str, default: int, most: int | None = None) -> int:
        """The parameter ``name`` as one whole number from 1 to ``most``, ``default`` when it
        is not given, or a 400 that says what is allowed. DRF's own reading silently gives
        the default for ``page_size=null`` or ``0``, page 1 for ``page=``, and the last of
        repeated values."""
        values = request.query_params.getlist(name)
        if not values:
            return default
        field = (
            serializers.IntegerField(min_value=1, max_value=most)
            if most
            else serializers.IntegerField(min_value=1)
        )
        try:
            return int(field.run_validation(values[0] if len(values) == 1 else values))
        except ValidationError as error:  # DRF's words, in DRF's translations
            raise ValidationError({name: error.detail}) from error

    def get_page_size(self, request: Request) -> int:
        return self.whole_number(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        # A page past the last is still DRF's 404; a page that is no number is a 400.
        return self.whole_number(request, self.page_query_param, 1)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = (
                    f"Results per page: 1 to {self.max_page_size}, {self.page_size} by default."
                )
        return parameters

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.filterset = getattr(view, "filterset", None)
        self.django_paginator_class = partial(listing_paginator, filterset=self.filterset)  # type: ignore[assignment]  # a factory, called as the class is
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None  # noqa: S101 - set by paginate_queryset
        body: dict[str, Any] = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
        }
        if isinstance(self.filterset, FacetedFilterSet):
            body["facets"] = {
                facet.name: [
                    {
                        "value": option.value,
                        "label": option.label,
                        "count": option.count,
                        "selected": option.selected,
                    }
                    for option in facet.options
                ]
                for facet in self.filterset.facets()
            }
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["facets"] = {
            "type": "object",
            "description": "Faceted listings: for each facet, its values with the number of "
            "records each would give under the other filters.",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string"},
                        "label": {"type": "string"},
                        "count": {"type": "integer"},
                        "selected": {"type": "boolean"},
                    },
                },
            },
        }
        return response
