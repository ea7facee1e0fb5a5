from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<slug:slug>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<slug:slug>/", views.project_detail, name="project-detail"),
    path("cities/", views.city_list, name="city-list"),
    path("cities/<slug:slug>/", views.city_detail, name="city-detail"),
    path("networks/", views.network_list, name="network-list"),
    path("networks/<slug:slug>/", views.network_detail, name="network-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("search/", views.search, name="search"),
]
