from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import reconcile, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = True
router.register("partnerships", views.PartnershipViewSet, basename="partnership")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("cities", views.CityViewSet, basename="city")
router.register("networks", views.NetworkViewSet, basename="network")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("seeking-partners", views.PartnerSearchViewSet, basename="partner-search")

# The API documentation page names the reconciliation service, which has a protocol of its own
# and so no place in the schema (api/reconcile.py).
DESCRIPTION = (
    str(settings.SPECTACULAR_SETTINGS["DESCRIPTION"])
    + "\n\nTo match the place names of a spreadsheet to the directory's cities (OpenRefine), "
    "use the reconciliation service at [/api/reconcile/](/api/reconcile/) (W3C Reconciliation "
    "Service API 0.2, described by its manifest there, not in this schema)."
)

urlpatterns = [
    path("v1/", include(router.urls)),
    # The W3C reconciliation service for cities (OpenRefine): read-only, any origin.
    path("reconcile/", reconcile.ReconciliationService.as_view(), name="reconcile"),
    # Its preview is framed by the client's page, whatever its origin.
    path(
        "reconcile/preview/",
        csp_replace({"frame-ancestors": ["*"]})(reconcile.preview),
        name="reconcile-preview",
    ),
    path(
        "schema/",
        SpectacularAPIView.as_view(custom_settings={"DESCRIPTION": DESCRIPTION}),
        name="schema",
    ),
    # Swagger UI sets styles inline: its page alone allows them; scripts stay our own.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
]
