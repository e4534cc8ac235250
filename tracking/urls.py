"""The landing page, the worklist, the objective page and the drift API."""

from django.urls import path

from . import api, views, worklist

app_name = "tracking"

urlpatterns = [
    path("", worklist.home, name="home"),
    path("my/", views.my_objectives, name="my_objectives"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("api/drift/", api.drift_api, name="drift_api"),
]
