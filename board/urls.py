"""The board pack under /dashboard/report*, board meetings under /manage/, challenges, and the
inspector's evidence pack under /findings/."""

from django.urls import path

from . import pack_views, views

app_name = "board"

urlpatterns = [
    path("dashboard/report/", views.report, name="report"),
    path("dashboard/report.pdf", views.report_pdf, name="report_pdf"),
    path("dashboard/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("manage/plans/<int:pk>/board-meetings/", views.meetings, name="meetings"),
    path("manage/board-meetings/<int:pk>/move/", views.meeting_move, name="meeting_move"),
    path("manage/board-meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("objectives/<int:pk>/challenges/new/", views.challenge_raise, name="challenge_raise"),
    path("challenges/<int:pk>/answer/", views.challenge_answer, name="challenge_answer"),
    path("challenges/<int:pk>/close/", views.challenge_close, name="challenge_close"),
    path("findings/pack.zip", pack_views.evidence_pack_request, name="evidence_pack"),
    path("findings/packs/<int:pk>/", pack_views.evidence_pack_wait, name="evidence_pack_wait"),
    path(
        "findings/packs/<int:pk>/status/",
        pack_views.evidence_pack_status,
        name="evidence_pack_status",
    ),
    path(
        "findings/packs/<int:pk>/pack.zip",
        pack_views.evidence_pack_download,
        name="evidence_pack_download",
    ),
]
