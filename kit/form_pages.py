"""What every administrators' page under /manage/ shares: the page is for administrators only,
the form is bound to what was posted, and one service call shows its problems on the form.

The plan set-up pages (``planning``) and the people pages (``people``) are built from these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from .govuk_forms import VersionField
from .roles import is_administrator
from .stale_edits import STALE_MESSAGE, StaleEditError, refuse_stale, render_form


def administrators_only(view: Callable) -> Callable:
    """403 for anyone but an administrator, on GET and POST alike."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied("Only administrators can manage the plan.")
        return view(request, *args, **kwargs)

    return wrapper


def posted(request):
    """The submitted data on POST (even when empty, so errors show), else None."""
    return request.POST if request.method == "POST" else None


def fields(data: dict, *names: str) -> dict:
    """The named fields of a form's cleaned data, as a service's keyword arguments."""
    return {name: data[name] for name in names}


def edit_fields(data: dict, *names: str) -> dict:
    """A service's arguments from an edit form with a reason: the fields named, the reason, and
    the version the form was read at as ``expected_version`` (whichever name its version field
    has)."""
    version = data["expected_version"] if "expected_version" in data else data["version"]
    return {**fields(data, *names), "reason": data["reason"], "expected_version": version}


def run_service(form, action: Callable[[], object], *, what: str = "record"):
    """Call one service for a form already checked (``FormPage.call``); on a problem, show it
    on the form and return None.

    For the administrators' pages, whose person is checked by ``administrators_only`` and whose
    form is bound with ``posted``."""
    page = FormPage(None, what=what, form=form)
    return page.result if page.call(lambda _data: action()) else None


class FormPage:
    """One form page: who may use it, the form bound to what was posted, one service call.

    - ``FormPage(request, allowed, refusal=...)`` answers 403 at once when ``allowed(user)`` is
      false (``allowed`` is the page's own check of the person);
    - ``page.bind(FormClass, ...)`` binds the form to what was posted (unbound on GET);
    - ``page.submit(action)`` calls ``action(cleaned_data)`` (one service) when the form was
      posted and is valid, and says whether it saved (``page.result`` is what it returned).
      A ``ValidationError`` goes on the fields it names (or on ``field``); a
      ``PermissionDenied`` is left to answer 403; a ``StaleEditError`` gets the one stale-edit
      answer (``refuse_stale``), and ``page.render`` then answers 409. With ``version``, a
      form read at another version is refused the same way without calling the service.
    - A page with no form (a confirmation button) shows the problem as a banner instead.
    """

    def __init__(
        self, request, allowed: Callable | None = None, *, refusal="", what="record", form=None
    ):
        if allowed is not None and not allowed(request.user):
            raise PermissionDenied(*([refusal] if refusal else []))
        self.request = request
        self.what = what
        self.form = form
        self.result = None
        self.current = None

    def bind(self, form_class, *args, **kwargs):
        self.form = form_class(posted(self.request), *args, **kwargs)
        return self.form

    def submit(
        self,
        action: Callable[[dict], object],
        *,
        when: bool = True,
        field: str | None = None,
        version: int | None = None,
        details: Callable[[object], list] | None = None,
        current=None,
    ) -> bool:
        if self.request.method != "POST" or not when:
            return False
        form = self.form
        if form is not None:
            if version is not None and posted_version(form) not in (None, version):
                form.is_valid()
                self._refuse_stale(current, details)
                return False
            if not form.is_valid():
                return False
        return self.call(action, field=field, details=details)

    def call(self, action: Callable[[dict], object], *, field=None, details=None) -> bool:
        """Call the service now (the form, if any, is valid): True when it saved."""
        form = self.form
        try:
            self.result = action(form.cleaned_data if form is not None else {})
        except ValidationError as error:
            if form is None:
                messages.info(self.request, " ".join(error.messages))
            elif field is not None:
                form.add_error(field, error.messages[0])
            elif hasattr(form, "add_service_errors"):
                form.add_service_errors(error)
            else:  # a plain Django form: the fields the error names, or the top of the form
                form.add_error(None, error)
        except StaleEditError as error:
            self._refuse_stale(error.current, details)
        else:
            return True
        return False

    def _refuse_stale(self, current, details) -> None:
        self.current = current
        if self.form is None:
            messages.info(self.request, STALE_MESSAGE.format(what=self.what))
            return
        rows = details(current) if details is not None else ()
        refuse_stale(self.form, current, what=self.what, details=rows)

    def render(self, template: str, context: dict | None = None):
        """The page with its form: 409 when the form was refused as stale, else 200."""
        return render_form(self.request, template, {"form": self.form, **(context or {})})


def posted_version(form) -> int | None:
    """The version a posted form says it was read at (None when it says none)."""
    for name, field in form.fields.items():
        if isinstance(field, VersionField):
            try:
                return int(form.data.get(name, ""))
            except (TypeError, ValueError):
                return None
    return None
