"""FormPage: the one pattern every form page uses."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from kit.form_pages import FormPage, run_service
from kit.govuk_forms import VersionedForm
from kit.stale_edits import StaleEditError


class _Form(VersionedForm):
    title = forms.CharField()


class _Row:
    version = 3
    history = None

    class _meta:
        verbose_name = "row"


def _request(method="post", data=None, user=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_the_person_is_checked_before_anything_else():
    with pytest.raises(PermissionDenied, match="Only administrators"):
        FormPage(_request(), lambda user: False, refusal="Only administrators")


def test_a_service_problem_goes_on_the_field_it_names():
    page = FormPage(_request(data={"title": "A", "expected_version": "3"}))
    page.bind(_Form)

    def refuse(data):
        raise ValidationError({"title": "Title is already used"})

    assert not page.submit(refuse)
    assert page.form.errors["title"] == ["Title is already used"]
    assert page.render("includes/_error_summary.html").status_code == 200


def test_a_stale_edit_gets_the_one_409_answer_with_the_current_version():
    page = FormPage(_request(data={"title": "A", "expected_version": "3"}), what="row")
    page.bind(_Form)
    current = _Row()
    current.version = 4

    def stale(data):
        raise StaleEditError(current)

    assert not page.submit(stale)
    assert page.form.errors["__all__"] == [
        "Someone else changed this row while you were editing it"
    ]
    assert page.form.data["expected_version"] == 4
    assert page.render("includes/_error_summary.html").status_code == 409


def test_a_form_read_at_another_version_is_refused_without_calling_the_service():
    page = FormPage(_request(data={"title": "A", "expected_version": "2"}), what="row")
    page.bind(_Form)
    called = []
    assert not page.submit(called.append, version=3, current=_Row())
    assert called == []
    assert page.render("includes/_error_summary.html").status_code == 409


def test_nothing_runs_on_get_and_a_saved_result_is_kept():
    page = FormPage(_request("get"))
    page.bind(_Form)
    assert not page.submit(lambda data: "saved")
    page = FormPage(_request(data={"title": "A"}))
    page.bind(_Form)
    assert page.submit(lambda data: data["title"]) and page.result == "A"


def test_run_service_answers_the_same_way():
    form = _Form({"title": "A"})
    assert form.is_valid()
    assert run_service(form, lambda: (_ for _ in ()).throw(ValidationError("No"))) is None
    assert form.errors["__all__"] == ["No"]
