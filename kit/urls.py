"""The service's own pages: its public statements and staying signed in."""

from django.urls import path

from . import public_pages, session_timeout

app_name = "service"

urlpatterns = [
    path("accessibility/", public_pages.accessibility, name="accessibility"),
    path("privacy/", public_pages.privacy, name="privacy"),
    path("cookies/", public_pages.cookies, name="cookies"),
    path("session/stay-signed-in/", session_timeout.stay_signed_in, name="stay_signed_in"),
]
