from django.urls import path

from . import api, views, worklist

urlpatterns = [
    path("", worklist.home, name="home"),
    path("my/", views.my_objectives, name="my_objectives"),
    path("objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "objectives/<int:pk>/updates/new/",
        views.progress_update_create,
        name="progress_update_create",
    ),
    path("api/drift/", api.drift_api, name="drift_api"),
]
