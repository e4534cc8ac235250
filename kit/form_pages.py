"""What every administrators' page under /manage/ shares: the page is for administrators only,
the form is bound to what was posted, and one service call shows its problems on the form.

The plan set-up pages (``planning``) and the people pages (``people``) are built from these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError

from .roles import is_administrator
from .stale_edits import StaleEditError, refuse_stale


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


def run_service(form, action: Callable[[], object], *, what: str = "record"):
    """Call one service; on a validation problem, show it on the form and return None.

    A change refused because someone else saved first (or sent without its version) gets the
    one stale-edit answer, ``refuse_stale``."""
    try:
        return action()
    except ValidationError as error:
        form.add_service_errors(error)
    except StaleEditError as error:
        refuse_stale(form, error.current, what=what)
    return None
