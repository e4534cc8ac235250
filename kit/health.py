"""``/healthz``: whether this host can serve, for a load balancer's health check.

Answers 200 ``ok`` when the database and the cache both answer, 503 otherwise. It reads no
data of the plan, needs no sign-in, never touches the session (so sets no cookie), and a 503
is not a refused request, so it is not written to the security log.
"""

import logging
import secrets

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 (any failure means "not healthy")
        log.warning("health check: the database did not answer", exc_info=True)
        return False


def _cache_answers() -> bool:
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, 1, timeout=5)
        found = cache.get(key) == 1
        cache.delete(key)
        return found
    except Exception:  # noqa: BLE001
        log.warning("health check: the cache did not answer", exc_info=True)
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request):
    healthy = _database_answers() and _cache_answers()
    return HttpResponse(
        "ok" if healthy else "unavailable",
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )
