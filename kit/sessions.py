"""Sessions read with their account and its roles in one query.

Django reads a signed-in request's session, then its account, then the account's groups: three
round trips before a page starts. Here the session row names its account (``AccountSession``),
so the session store reads the session joined to the account, with whether the account holds
each role; ``AccountMiddleware`` hands that account to the request when the session still
proves it (same account, a known sign-in backend that accepts it, the session hash matching).
Anything else, it leaves to Django's own ``get_user``, which signs the person out as it would.

Set with ``SESSION_ENGINE = "kit.sessions"`` and ``kit.sessions.AccountMiddleware`` in place of
Django's ``AuthenticationMiddleware``.
"""

from __future__ import annotations

import functools
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware, auser
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .model_rows import Reader
from .roles import ROLES


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, kept in ``kit_account_session`` with the account's id."""

    account = None  # the signed-in account read with the session, with ``_role_names`` set

    @classmethod
    def get_model_class(cls):
        from .models import AccountSession

        return AccountSession

    def _get_session_from_db(self):
        sql, session_reader, account_reader = _session_sql()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [*ROLES, self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        split, roles = len(session_reader), len(ROLES)
        session = session_reader(row[:split])
        account = None
        if session.account_id is not None:
            account = account_reader(row[split:-roles])
            account._role_names = {r for r, held in zip(ROLES, row[-roles:], strict=True) if held}
        self.account = account
        return session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.account_id = _account_id(data.get(SESSION_KEY))
        return instance


@functools.cache
def _session_sql() -> tuple[str, list[str], list[str]]:
    """The session read: the session joined to its account, with whether the account holds
    each role. Written once from the models' table and column names (never from a request);
    plain SQL because building the same query through the ORM cost more than running it."""
    from .models import AccountSession

    user = get_user_model()
    q = connection.ops.quote_name
    groups = user.groups.through
    group = groups._meta.get_field("group").related_model

    def columns(alias, model):
        fields = list(model._meta.concrete_fields)
        return fields, [f"{alias}.{q(f.column)}" for f in fields]

    session_fields, session_columns = columns("s", AccountSession)
    user_fields, user_columns = columns("u", user)
    link_user = q(groups._meta.get_field(user._meta.model_name).column)
    link_group = q(groups._meta.get_field("group").column)
    holds = [
        f"EXISTS (SELECT 1 FROM {q(groups._meta.db_table)} ug "  # noqa: S608 (names)
        f"JOIN {q(group._meta.db_table)} g ON g.{q('id')} = ug.{link_group} "
        f"WHERE ug.{link_user} = s.{q('account_id')} AND g.{q('name')} = %s)"
        for _ in ROLES
    ]
    sql = (
        f"SELECT {', '.join(session_columns + user_columns + holds)} "  # noqa: S608 (names)
        f"FROM {q(AccountSession._meta.db_table)} s "
        f"LEFT JOIN {q(user._meta.db_table)} u "
        f"ON u.{q(user._meta.pk.column)} = s.{q('account_id')} "
        f"WHERE s.{q('session_key')} = %s AND s.{q('expire_date')} > %s"
    )
    return sql, Reader(session_fields), Reader(user_fields)


def _account_id(value) -> int | None:
    try:
        return get_user_model()._meta.pk.to_python(value) if value is not None else None
    except ValidationError:
        return None


def _accepted(backend, account) -> bool:
    """Whether ``backend`` would give this account back for its id (what its ``get_user`` does
    with the row it reads)."""
    if isinstance(backend, ModelBackend):
        return backend.user_can_authenticate(account)
    return isinstance(backend, OIDCAuthenticationBackend)


def session_account(request):
    """The account the session was read with, when it is the session's signed-in account and
    still proven by it; else None (Django's ``get_user`` then decides)."""
    session = request.session
    try:  # reading the session loads it, and its account with it
        user_id = _account_id(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
        session_hash = session.get(HASH_SESSION_KEY)
    except KeyError:
        return None
    account = getattr(session, "account", None)
    if account is None:
        return None
    if user_id != account.pk or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    if not _accepted(load_backend(backend_path), account):
        return None
    if not session_hash or not constant_time_compare(session_hash, account.get_session_auth_hash()):
        return None
    return account


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_account(request) or auth.get_user(request)
    return request._cached_user


class AccountMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware``, taking the account read with the session."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(auser, request)
