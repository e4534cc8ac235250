"""The administrators' people pages, mounted at /manage/people/."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/password/", views.person_password, name="person_password"),
    path("<int:pk>/leaver/", views.person_leaver, name="person_leaver"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
]
