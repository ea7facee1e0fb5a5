from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Twinning"
admin.site.site_title = "Twinning admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("cities.urls")),
    path("", include("agreements.urls")),
    path("admin/", admin.site.urls),
]
