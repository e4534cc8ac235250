"""A person's calendar feed and replacing its link."""

from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
    path("account/calendar/replace/", views.calendar_feed_replace, name="replace"),
]
