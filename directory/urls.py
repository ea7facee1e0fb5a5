from django.urls import path

from common.documents import served_as_attachment

from . import views

app_name = "directory"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/map.svg", views.partnership_map, name="partnership-map"),
    path("partnerships/charts/", views.partnership_charts, name="partnership-charts"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path(
        "partnerships/<slug:slug>/map.svg",
        views.partnership_detail_map,
        name="partnership-detail-map",
    ),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<slug:slug>/document/",
        served_as_attachment(views.agreement_document),
        name="agreement-document",
    ),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting-detail"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<slug:slug>/", views.project_detail, name="project-detail"),
    path("cities/", views.city_list, name="city-list"),
    path("cities/<slug:slug>/", views.city_detail, name="city-detail"),
    path("cities/<slug:slug>/map.svg", views.city_map, name="city-map"),
    path("networks/", views.network_list, name="network-list"),
    path("networks/<slug:slug>/", views.network_detail, name="network-detail"),
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("search/", views.search, name="search"),
    path("maps/world.svg", views.world_map, name="world-map"),
    path("cite/<str:kind>/<slug:slug>.bib", views.cite, {"style": "bib"}, name="cite-bibtex"),
    path("cite/<str:kind>/<slug:slug>.json", views.cite, {"style": "json"}, name="cite-csl"),
]
