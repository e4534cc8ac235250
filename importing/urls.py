"""The import pages, mounted at /manage/import/."""

from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("columns/", views.columns, name="columns"),
    path("preview/", views.preview, name="preview"),
    path("template.xlsx", views.template, name="template"),
]
