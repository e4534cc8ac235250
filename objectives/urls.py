"""The owner's changes to an objective; the pages that read it are ``tracking.urls``."""

from django.urls import path

from . import views

app_name = "objectives"

urlpatterns = [
    path("objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(
        "objectives/<int:pk>/updates/new/",
        views.progress_update_create,
        name="progress_update_create",
    ),
]
