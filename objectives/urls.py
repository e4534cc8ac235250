from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.my_objectives, name="my_objectives"),
    path("api/drift/", api.drift_api, name="drift_api"),
]
