import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from stockton_improve import urls as project_urls


def _database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed")


def _bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("down/", _database_down),
    path("bug/", _bug),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


@pytest.fixture
def raising_client(db, manager):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    return client


@override_settings(ROOT_URLCONF="tests.test_errors")
def test_an_unreachable_database_answers_503_with_retry_after(raising_client):
    response = raising_client.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Try again in a few seconds" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.test_errors")
def test_other_failures_answer_500_without_details(raising_client):
    response = raising_client.get("/bug/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "problem with the service" in body
    assert "a bug" not in body


def test_missing_pages_use_the_service_layout(client, manager):
    client.force_login(manager)
    response = client.get("/objectives/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
