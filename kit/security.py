"""Security headers and the security log (sign-ins, sign-in failures, refused requests).

The security log has one line per event: the time (UTC), ``improve.security``, the level, the
event and its fields, each ``key=value``::

    2026-01-15T09:30:00Z improve.security WARNING sign-in-failed user="bob ip=10.6.6.6" ip=10.0.0.1

Every value can be read back exactly, whatever a person typed into it:

- a value of printable characters other than spaces, ``=``, ``"`` and ``\\`` is written as it
  is (``user=bob``);
- any other value, or an empty one, is written in double quotes, with ``"`` written ``\\"``
  and ``\\`` written ``\\\\`` (``user="bob ip=10.6.6.6"``, ``user="a\\\\b"``);
- a control character inside the quotes is written as an escape: ``\\n``, ``\\r``, ``\\t``,
  ``\\xHH`` or ``\\uHHHH`` (a line separator or a direction mark too), so an event is always
  one line.

So a reader splits the fields at the spaces outside quotes, then undoes the escapes. The
events' wording is fixed in the code; only the values come from people.
"""

import logging
import re
import time
import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import logout, signals
from django.dispatch import receiver
from django.utils.cache import patch_cache_control

log = logging.getLogger("improve.security")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Characters that could start a new line, or disguise one, in a log viewer.
_ESCAPED_CATEGORIES = {"Cc", "Zl", "Zp"}
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Longest username anyone can have (Django's ``username`` field); longer input is cut here.
USERNAME_MAX_LENGTH = 150


def escape_control(text: str) -> str:
    """``text`` with every control character written as an escape (a newline as ``\\n``), so
    text from people can never start a forged line in a log."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in _NAMED:
            out.append(_NAMED[char])
        elif unicodedata.category(char) in _ESCAPED_CATEGORIES or char in _BIDI_CONTROLS:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


_NEEDS_QUOTES = re.compile(r'[\s="\\]')


def field_value(value) -> str:
    """``value`` as one field's value in the security log: as it is when that is unambiguous,
    otherwise in double quotes with ``"`` and ``\\`` escaped (control characters are escaped
    afterwards, with the whole line)."""
    text = str(value)
    if text and text.isprintable() and not _NEEDS_QUOTES.search(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _field_values(args):
    """The message's values with each one that needs quoting quoted; the others untouched (so a
    number still fills ``%d``)."""

    def one(value):
        text = str(value)
        quoted = field_value(text)
        return value if quoted == text else quoted

    if isinstance(args, Mapping):
        return {key: one(value) for key, value in args.items()}
    return tuple(one(value) for value in args)


class EscapeControlCharacters(logging.Filter):
    """Escape control characters in every logged message, after its values are filled in; in
    the security log, quote each value first where it needs it (see the module's docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "control_escaped", False):
            if record.args and (record.name == log.name or record.name.startswith(log.name + ".")):
                record.args = _field_values(record.args)
            record.msg = escape_control(record.getMessage())
            record.args = None
            record.control_escaped = True
        return True


# Addresses whose path is itself a key (a calendar feed's token): never written to a log.
_SECRET_PATHS = re.compile(r"(/calendar/)[^\s\"'<>]*")


def hide_secret_paths(text: str) -> str:
    return _SECRET_PATHS.sub(r"\1[hidden]", text)


class HideSecretPaths(logging.Filter):
    """Write ``/calendar/[hidden]`` for a calendar feed's address in any logged message
    (Django's "Not Found: <path>", the development server's request lines, refused requests).
    Put on the loggers themselves so every handler, and the test suite's capture, sees the
    hidden form."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_secret_paths(message)
        if hidden != message:
            record.msg = hidden
            record.args = None
        return True


def trimmed_username(value) -> str:
    return str(value if value is not None else "")[:USERNAME_MAX_LENGTH]


def axes_username(request, credentials=None) -> str:
    """The username django-axes records, never longer than any account's can be."""
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username") if request is not None else None
    return trimmed_username(value)


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's API)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


def client_address(request) -> str:
    """The client's network address ("-" when there is none): ``X-Forwarded-For`` is believed
    only from the proxies in ``TRUSTED_PROXIES`` (``kit.proxies``)."""
    from .proxies import client_ip

    return client_ip(request) or "-"


class ForwardedProtoMiddleware:
    """Believe ``X-Forwarded-Proto`` (``SECURE_PROXY_SSL_HEADER``) only from the proxies in
    ``TRUSTED_PROXIES``: from anyone else the header is dropped before Django reads it, so a
    client reaching a host directly cannot pass plain HTTP off as HTTPS. First in the list."""

    HEADER = "HTTP_X_FORWARDED_PROTO"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .proxies import from_trusted_proxy

        if self.HEADER in request.META and not from_trusted_proxy(request):
            del request.META[self.HEADER]
        return self.get_response(request)


# Every answer under these paths is private, even a refusal to someone not signed in.
PRIVATE_PATH_PREFIXES = ("/api/",)


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on whatever a signed-in person is answered and on
    every file sent as an attachment, so no shared cache or proxy keeps a copy. Static files
    (served by whitenoise before this) and pages for people not signed in keep their own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        attachment = response.get("Content-Disposition", "").startswith("attachment")
        if signed_in or attachment or request.path_info.startswith(PRIVATE_PATH_PREFIXES):
            patch_cache_control(response, private=True, no_store=True)
        return response


class IdleSessionMiddleware:
    """Sign a person out after ``SESSION_IDLE_SECONDS`` without a request.

    The time of the last request is kept in the session but written at most once a minute, so
    reading pages does not write to the database on every request.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen")
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_SECONDS:
                log.info(
                    "signed-out-idle user=%s ip=%s",
                    request.user.get_username(),
                    client_address(request),
                )
                logout(request)
            elif last_seen is None or now - last_seen >= self.REFRESH_SECONDS:
                request.session["last_seen"] = now
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: GOV.UK Frontend is loaded from a file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class RefusedRequestLogMiddleware:
    """Write every refused request (401, 403, 429) to the security log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403, 429):
            user = getattr(request, "user", None)
            who = user.get_username() if user is not None and user.is_authenticated else "-"
            log.warning(
                "refused status=%s user=%s method=%s path=%s ip=%s",
                response.status_code,
                who,
                request.method,
                request.path[:200],
                client_address(request),
            )
        return response


@receiver(signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())
    log.info(
        "sign-in user=%s ip=%s", user.get_username(), client_address(request) if request else "-"
    )


@receiver(signals.user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    who = user.get_username() if user is not None else "-"
    log.info("sign-out user=%s ip=%s", who, client_address(request) if request else "-")


@receiver(signals.user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = trimmed_username(credentials.get("username", "-"))
    log.warning(
        "sign-in-failed user=%s ip=%s", username, client_address(request) if request else "-"
    )
