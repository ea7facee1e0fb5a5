"""Record pages for places and networks. The public directory (browse, search) builds on these."""

from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView

from .models import City, Network, NetworkMembership


class CityDetailView(DetailView):
    model = City
    context_object_name = "city"

    def get_queryset(self) -> QuerySet[City]:
        memberships = Prefetch(
            "memberships",
            queryset=NetworkMembership.objects.published().select_related("network"),
        )
        # django-stubs does not resolve this reverse relation (checked at run time by the tests).
        return City.objects.prefetch_related("names", memberships)  # type: ignore[arg-type]


class NetworkDetailView(DetailView):
    model = Network
    context_object_name = "network"

    def get_queryset(self) -> QuerySet[Network]:
        return Network.objects.select_related("parent").prefetch_related(
            "children",
            Prefetch(
                "memberships",
                queryset=NetworkMembership.objects.published()
                .select_related("city")
                .order_by("field", "city__name"),
            ),
        )
