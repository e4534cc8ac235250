"""Administrators' people pages under /manage/people/: everyone's account and roles, adding a
person, leavers (their objectives moved in the same step), passwords set by hand.

Every view is for administrators only (403 for anyone else, on GET and POST alike), answers
404 for unknown people, changes things only on POST, and is thin: a form, one service, a
redirect with a success message. Only a superuser changes a superuser's account. Services
record who, when and why in the account's history.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kit.form_pages import FormPage, administrators_only, edit_fields, fields
from kit.formatting import person_name
from objectives import permissions
from reminders.services import invitation_message

from . import forms, selectors, services

User = get_user_model()


@administrators_only
@require_http_methods(["GET"])
def home(request):
    return render(request, "people/home.html", {"people": selectors.people()})


@administrators_only
@require_http_methods(["GET", "POST"])
def person_create(request):
    page = FormPage(request)
    page.bind(forms.PersonCreateForm)
    if page.submit(
        lambda data: services.person_create(
            user=request.user,
            password=data["password1"],
            username=data["username"],
            **_details(data),
        )
    ):
        person = page.result
        messages.success(request, invitation_message(user=request.user, person=person))
        return redirect("people:person_detail", pk=person.pk)
    return page.render("people/person_form.html", {"person": None})


def _details(data: dict) -> dict:
    """An account's details as the person forms give them to the services."""
    return fields(data, "first_name", "last_name", "email", "roles")


def _person(pk: int):
    return get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)


def _person_to_change(request, pk: int):
    """The account, if the administrator may change it: only superusers change superusers."""
    person = _person(pk)
    services.require_may_change_account(request.user, person)
    return person


@administrators_only
@require_http_methods(["GET"])
def person_detail(request, pk: int):
    person = _person(pk)
    open_objectives, complete_objectives = selectors.person_objectives(person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "roles": [g.name for g in person.groups.all() if g.name in permissions.ROLES],
            "open_objectives": open_objectives,
            "complete_objectives": complete_objectives,
            "may_change": services.may_change_account(request.user, person),
            "account_version": services.account_version(person),
            "account_history": selectors.account_history(person),
        },
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = _person_to_change(request, pk)
    page = FormPage(request, what="account")
    page.bind(forms.PersonDetailsForm, person=person)
    if page.submit(
        lambda data: services.person_update(
            user=request.user, person=person, **_details(data), **edit_fields(data)
        )
    ):
        messages.success(request, f"Details of {person_name(page.result)} saved.")
        return redirect("people:person_detail", pk=person.pk)
    return page.render("people/person_form.html", {"person": person})


@administrators_only
@require_http_methods(["GET", "POST"])
def person_leaver(request, pk: int):
    person = _person_to_change(request, pk)
    if not person.is_active:
        messages.info(request, f"{person_name(person)} is already marked as having left.")
        return redirect("people:person_detail", pk=person.pk)
    open_objectives, _ = selectors.person_objectives(person)
    page = FormPage(request, what="account")
    form = page.bind(forms.LeaverForm, person=person, open_count=len(open_objectives))
    if page.submit(
        lambda data: services.person_mark_leaver(
            user=request.user, person=person, **edit_fields(data, "reassign_to", "left_on")
        )
    ):
        moved, target = page.result, form.cleaned_data["reassign_to"]
        text = f"{person_name(person)} is marked as having left and can no longer sign in."
        if moved:
            n = len(moved)
            text += (
                f" Their {n} open objective{'s' if n != 1 else ''} now "
                f"belong{'s' if n == 1 else ''} to {person_name(target)}."
            )
        elif open_objectives:
            n = len(open_objectives)
            text += (
                f" Their {n} open objective{'s' if n != 1 else ''} "
                f"{'is' if n == 1 else 'are'} flagged “Owner has left” until you give "
                f"{'it' if n == 1 else 'them'} a new owner."
            )
        messages.success(request, text)
        return redirect("people:person_detail", pk=person.pk)
    return page.render(
        "people/person_leaver.html", {"person": person, "open_objectives": open_objectives}
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def person_password(request, pk: int):
    person = _person_to_change(request, pk)
    page = FormPage(request, what="account")
    page.bind(forms.PasswordSetForm, person=person)
    if page.submit(
        lambda data: services.person_set_password(
            user=request.user,
            person=person,
            password=data["password1"],
            expected_version=data["version"],
        )
    ):
        saved = page.result
        if saved.pk == request.user.pk:
            update_session_auth_hash(request, saved)
        messages.success(
            request, f"New password set for {person_name(saved)}. Give it to them in person."
        )
        return redirect("people:person_detail", pk=person.pk)
    return page.render("people/person_password.html", {"person": person})


@administrators_only
@require_POST
def person_reactivate(request, pk: int):
    person = _person_to_change(request, pk)
    version = request.POST.get("version", "")
    page = FormPage(request, what="account")
    if page.submit(
        lambda _: services.person_reactivate(
            user=request.user,
            person=person,
            expected_version=int(version) if version.isascii() and version.isdigit() else None,
        )
    ):
        messages.success(request, f"{person_name(person)} can sign in again.")
    return redirect("people:person_detail", pk=person.pk)
