from django.urls import path

from common.documents import served_as_attachment

from . import browse, graphics, overview, pages, records, search_page, wikidata_export

app_name = "directory"

urlpatterns = [
    path("partnerships/", browse.partnership_list, name="partnership-list"),
    path("partnerships/map.svg", graphics.partnership_map, name="partnership-map"),
    path("partnerships/map.json", graphics.partnership_map_data, name="partnership-map-data"),
    path("partnerships/charts/", graphics.partnership_charts, name="partnership-charts"),
    path("partnerships/<slug:slug>/", records.partnership_detail, name="partnership-detail"),
    path(
        "partnerships/<slug:slug>/map.svg",
        graphics.partnership_detail_map,
        name="partnership-detail-map",
    ),
    path(
        "partnerships/<slug:slug>/map.json",
        graphics.partnership_detail_map_data,
        name="partnership-detail-map-data",
    ),
    path("agreements/<slug:slug>/", records.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<slug:slug>/document/",
        served_as_attachment(records.agreement_document),
        name="agreement-document",
    ),
    path("meetings/<slug:slug>/", records.meeting_detail, name="meeting-detail"),
    path("projects/", browse.project_list, name="project-list"),
    path("projects/<slug:slug>/", records.project_detail, name="project-detail"),
    path("cities/", browse.city_list, name="city-list"),
    path("cities/<slug:slug>/", records.city_detail, name="city-detail"),
    path("cities/<slug:slug>/map.svg", graphics.city_map, name="city-map"),
    path("cities/<slug:slug>/map.json", graphics.city_map_data, name="city-map-data"),
    path("networks/", overview.network_list, name="network-list"),
    path("networks/<slug:slug>/", records.network_detail, name="network-detail"),
    path("countries/", overview.country_list, name="country-list"),
    path("countries/<str:code>/", records.country_detail, name="country-detail"),
    path("people/", pages.person_list, name="person-list"),
    path("people/<slug:slug>/", records.person_detail, name="person-detail"),
    path("search/", search_page.search, name="search"),
    path("about/", pages.about, name="about"),
    path("methodology/", pages.methodology, name="methodology"),
    path("data/", pages.data, name="data"),
    path("data/wikidata/", wikidata_export.wikidata_page, name="wikidata-export"),
    path(
        "data/wikidata/quickstatements.txt",
        wikidata_export.quickstatements,
        name="wikidata-quickstatements",
    ),
    path("maps/world.svg", graphics.world_map, name="world-map"),
    path("maps/world.geojson", graphics.world_map_data, name="world-map-data"),
    path("cite/<str:kind>/<slug:slug>.bib", records.cite, {"style": "bib"}, name="cite-bibtex"),
    path("cite/<str:kind>/<slug:slug>.json", records.cite, {"style": "json"}, name="cite-csl"),
]
