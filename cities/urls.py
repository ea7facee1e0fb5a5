from django.urls import path

from . import views

app_name = "cities"

urlpatterns = [
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="city-detail"),
    path("networks/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
]
