"""Signing in with the organisation's account (OpenID Connect), mounted at /oidc/."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("authenticate/", login_not_required(views.StartView.as_view()), name="start"),
    path("callback/", login_not_required(views.CallbackView.as_view()), name="callback"),
]
