from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from common.overload import expensive
from directory import overview, pages
from directory.sitemaps import SITEMAPS
from publishing.page_cache import QuerySpec, public_page

from . import views

admin.site.site_header = _("Twinning")
admin.site.site_title = _("Twinning admin")
admin.site.index_title = _("Records")

handler400 = "twinning.errors.bad_request"
handler404 = "twinning.errors.page_not_found"
handler500 = "twinning.errors.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    # An index of the sections' pages, each at most a sitemap's limit of addresses.
    path(
        "sitemap.xml",
        public_page(expensive(sitemaps.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        # Keyed by its page number alone and the content version; limited like the other
        # expensive pages when it has to be built (common/overload.py).
        public_page(query=QuerySpec(single=frozenset({"p"})))(expensive(sitemaps.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("api/", include("api.urls")),
    path("health/", views.health, name="health"),
]

# English at the root, the other interface languages under their prefix: /it/, /fa/, /vi/.
urlpatterns += i18n_patterns(
    path("", overview.home, name="home"),
    path("", include("directory.urls")),
    path("", include("suggestions.urls")),
    path("", include("seeking.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
