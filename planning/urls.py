"""Administrators' pages, mounted at /manage/."""

from django.urls import path

from kit.form_pages import administrators_only
from milestones import dependency_views

from . import objective_views, owner_views, record_views, views

app_name = "planning"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/themes/new/", views.theme_create, name="theme_create"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme_edit"),
    path(
        "plans/<int:pk>/objectives/new/", objective_views.objective_create, name="objective_create"
    ),
    path("objectives/<int:pk>/", objective_views.objective_setup, name="objective_setup"),
    path("objectives/<int:pk>/edit/", objective_views.objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/owner/", owner_views.objective_owner, name="objective_owner"),
    path(
        "objectives/<int:pk>/milestones/new/",
        objective_views.milestone_create,
        name="milestone_create",
    ),
    path("milestones/<int:pk>/edit/", objective_views.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:pk>/rebaseline/",
        objective_views.milestone_rebaseline,
        name="milestone_rebaseline",
    ),
    path(
        "milestones/<int:pk>/correct-completion/",
        record_views.milestone_correct_completion,
        name="milestone_correct_completion",
    ),
    path(
        "milestones/<int:pk>/dependencies/",
        administrators_only(dependency_views.milestone_dependencies),
        {"place": "planning"},
        name="milestone_dependencies",
    ),
    path(
        "milestones/dependencies/<int:pk>/remove/",
        administrators_only(dependency_views.milestone_dependency_remove_page),
        {"place": "planning"},
        name="milestone_dependency_remove",
    ),
    path(
        "milestones/<int:pk>/withdraw/",
        record_views.withdraw,
        {"what": "milestone"},
        name="milestone_withdraw",
    ),
    path(
        "objectives/<int:pk>/withdraw/",
        record_views.withdraw,
        {"what": "objective"},
        name="objective_withdraw",
    ),
    path("accountability/", owner_views.accountability, name="accountability"),
    path("accountability/bulk-reassign/", owner_views.bulk_reassign, name="bulk_reassign"),
]
