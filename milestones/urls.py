"""Mounted at /milestones/; ``objective_urlpatterns`` at /objectives/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path("<int:pk>/reforecast/", views.milestone_reschedule, name="milestone_reschedule"),
    path("<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
]

# A milestone is added from its objective's page.
objective_urlpatterns = [
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
]
