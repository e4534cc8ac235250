"""The server error page, and a 503 instead of a 500 while the database is out of reach."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

log = logging.getLogger("improve.errors")
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def server_error(request):
    """Rendered without the request's context: the database may be what failed."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNREACHABLE):
        log.warning("database unreachable: %s %s", request.method, request.path[:200])
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
