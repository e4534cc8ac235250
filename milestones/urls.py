"""A milestone's pages under /milestones/; a milestone is added from its objective's page."""

from django.urls import path

from . import dependency_views, views

app_name = "milestones"

urlpatterns = [
    path("milestones/<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path(
        "milestones/<int:pk>/reforecast/", views.milestone_reschedule, name="milestone_reschedule"
    ),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
    path("objectives/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path(
        "milestones/<int:pk>/dependencies/",
        dependency_views.milestone_dependencies,
        name="milestone_dependencies",
    ),
    path(
        "milestones/dependencies/<int:pk>/remove/",
        dependency_views.milestone_dependency_remove_page,
        name="milestone_dependency_remove",
    ),
]
