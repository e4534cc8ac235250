"""The account page (/account/), the administrators' email log (/manage/emails/) and their
reminder to owners whose update for the next board is missing."""

from django.urls import path

from . import board_views, views

app_name = "reminders"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("manage/emails/", views.email_log, name="email_log"),
    path("manage/people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("manage/plans/<int:pk>/remind-owners/", board_views.board_remind, name="board_remind"),
]
