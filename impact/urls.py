from django.urls import path

from . import evidence_views, value_views, views

app_name = "impact"

urlpatterns = [
    path("findings/", views.findings, name="findings"),
    path("manage/findings/plan/<int:pk>/", views.manage_findings, name="manage_findings"),
    path("manage/findings/plan/<int:pk>/new/", views.finding_create, name="finding_create"),
    path("manage/findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("manage/findings/<int:pk>/objectives/", views.finding_links, name="finding_links"),
    path(
        "manage/findings/objective/<int:pk>/measures/new/",
        views.measure_create,
        name="measure_create",
    ),
    path("manage/findings/measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path(
        "measures/<int:pk>/values/new/",
        value_views.measure_value_create,
        name="measure_value_create",
    ),
    path(
        "measure-values/<int:pk>/correct/",
        value_views.measure_value_correct,
        name="measure_value_correct",
    ),
    path(
        "measure-values/<int:pk>/withdraw/",
        value_views.measure_value_withdraw,
        name="measure_value_withdraw",
    ),
    path(
        "objectives/<int:pk>/evidence/new/", evidence_views.evidence_create, name="evidence_create"
    ),
    path("evidence/<int:pk>/withdraw/", evidence_views.evidence_withdraw, name="evidence_withdraw"),
    path("evidence/<int:pk>/download/", evidence_views.evidence_download, name="evidence_download"),
]
