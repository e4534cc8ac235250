"""The account page (/account/) and the administrators' email log (/manage/emails/)."""

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/password/", views.password_change, name="password_change"),
    path("manage/emails/", views.email_log, name="email_log"),
    path("manage/people/<int:pk>/invite/", views.person_invite, name="person_invite"),
]
