from django.urls import path

from . import views

app_name = "seeking"

urlpatterns = [
    path("seeking-partners/", views.search_list, name="search-list"),
    # The first addresses were by number: they move for good to the call's slug.
    path("seeking-partners/<int:pk>/", views.search_by_number, name="search-by-number"),
    path("seeking-partners/<slug:slug>/", views.search_detail, name="search-detail"),
]
