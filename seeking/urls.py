from django.urls import path

from . import views

app_name = "seeking"

urlpatterns = [
    path("seeking-partners/", views.search_list, name="search-list"),
    path("seeking-partners/<int:pk>/", views.search_detail, name="search-detail"),
]
