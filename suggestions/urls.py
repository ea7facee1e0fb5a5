from django.urls import path

from . import views

app_name = "suggestions"

urlpatterns = [
    path("suggest/new-partnership/", views.suggest_partnership, name="partnership"),
    path("suggest/thanks/", views.thanks, name="thanks"),
    path("suggest/<str:kind>/<slug:slug>/", views.suggest_correction, name="correction"),
]
