from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agreements.models import Partnership
from cities.models import City, Network


def home(request: HttpRequest) -> HttpResponse:
    partnerships = Partnership.objects.published()
    return render(
        request,
        "home.html",
        {
            "partnership_count": partnerships.count(),
            "city_count": City.objects.count(),
            "network_count": Network.objects.count(),
            "recent_partnerships": partnerships.select_related("city_a", "city_b").order_by(
                "-updated_at"
            )[:6],
        },
    )
