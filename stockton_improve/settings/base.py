"""Settings shared by every environment. Values come from the environment (django-environ)."""

import ipaddress
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "kit",
    "objectives",
    "milestones",
    "tracking",
    "dashboard",
    "planning",
    "impact",
    "people",
    "reminders",
    "importing",
    "sso",
    "board",
    "calendars",
    "devtools",
]

MIDDLEWARE = [
    # First: X-Forwarded-Proto counts only from TRUSTED_PROXIES, before anything reads it.
    "kit.security.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, taking the account read with the session.
    "kit.sessions.AccountMiddleware",
    "kit.security.IdleSessionMiddleware",
    "kit.security.PrivateResponsesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kit.security.ContentSecurityPolicyMiddleware",
    "kit.security.RefusedRequestLogMiddleware",
    # Last, so it sees sign-in failures raised by the views above it.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sso.backends.OrganisationAccountBackend",
]

ROOT_URLCONF = "stockton_improve.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "objectives.context_processors.roles",
                "sso.context_processors.single_sign_on",
                "kit.session_timeout.timeout_settings",
            ],
        },
    },
]

WSGI_APPLICATION = "stockton_improve.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# Worked-out past days (tracking.pastdays) and drawn table rows are kept here. Local memory of
# each process by default: every process reads whether a kept day is still good from the
# database, so nothing needs sharing. A shared cache (CACHE_URL=redis://host:6379/1, or
# CACHE_URL=dbcache://drift_cache after `manage.py createcachetable`) saves working days out
# once per process.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):  # room for a few plans' days and rows
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The server binds the parameters, so psycopg prepares a query a connection has run twice
    # (Django turns preparing off unless asked): PostgreSQL then plans it once per kept
    # connection instead of at every request. Planning the stamps' read took about 3 ms, longer
    # than running it. Behind a pooler in transaction mode, set PG_PREPARE_THRESHOLD=0 to turn
    # preparing off.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=env.int("PG_PREPARE_THRESHOLD", default=2) or None,
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Where `manage.py collectstatic` gathers the files whitenoise serves.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Built by `make assets` (npm + Sass); never committed.
STATICFILES_DIRS = [BASE_DIR / "assets" / "build"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Evidence files: never under a public URL, read only through
    # impact.evidence_views.evidence_download.
    # For object storage, point EVIDENCE_STORAGE_BACKEND at e.g. storages.backends.s3.S3Storage.
    "evidence": {
        "BACKEND": env(
            "EVIDENCE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": {
            "location": env("EVIDENCE_ROOT", default=str(BASE_DIR / ".private" / "evidence")),
        },
    },
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# The inspector's evidence pack is built in a daemon thread of the process that was asked
# (board.pack_builds); `manage.py build_evidence_packs` from cron builds any left behind.
EVIDENCE_PACK_THREADS = env.bool("EVIDENCE_PACK_THREADS", default=True)

# History: reasons can be long; index history by date for point-in-time reads.
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_REVERT_DISABLED = True

# Email: EMAIL_URL (django-environ), e.g. smtp+tls://user:password@smtp.example.org:587;
# the console (printed, not sent) by default. EMAIL_BACKEND, when set, still wins.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if env("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="improvement-plan@localhost")
# Where people write about the service (accessibility problems, their data): named on the
# accessibility statement and the privacy notice.
SERVICE_CONTACT_EMAIL = env("SERVICE_CONTACT_EMAIL", default=DEFAULT_FROM_EMAIL)
# Absolute links in emails start with this (no trailing slash).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Set-password links (invitations and resets) work for this long, once.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)
# "Forgot your password?": at most this many requests per email address an hour, and (a
# looser limit, as people behind one proxy share an address) per network address.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=3)
PASSWORD_RESET_IP_LIMIT = env.int("PASSWORD_RESET_IP_LIMIT", default=30)

# Sessions end after an hour without activity (kit.security.IdleSessionMiddleware,
# which writes the session at most once a minute), and when the browser closes.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
# A signed-in page warns this long before the idle sign-out, with a way to stay signed in.
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=5 * 60)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Database sessions that name their account, so a request reads the session, the account and
# its roles in one query (kit.sessions).
SESSION_ENGINE = "kit.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A load balancer's health check speaks plain HTTP to each host: never redirected to https.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Single sign-on with the organisation's OpenID Connect provider (Microsoft Entra ID or
# another): on only when all six are set. People are matched by verified email to an existing
# active account (sso.backends); local passwords stay for administrators.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"

# Sign-in attempts: five failures for one account from one address lock it for 15 minutes.
# Counted in the database, so every worker and host counts the same failures.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "kit.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "kit.proxies.client_ip"

# Proxies (load balancers) whose X-Forwarded-For is believed, for the sign-in and reset limits
# and the security log: comma-separated addresses or networks, e.g. 10.0.0.0/8,192.0.2.7.
# None by default: the client is the connection's own address and the header changes nothing.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:  # a mistyped entry stops the start, never trusts too much
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None

SECURITY_LOG_FILE = env("SECURITY_LOG_FILE", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "escape_control": {"()": "kit.security.EscapeControlCharacters"},
        "hide_secret_paths": {"()": "kit.security.HideSecretPaths"},
    },
    "formatters": {
        "utc": {
            "()": "kit.security.UTCFormatter",
            "format": "%(asctime)s %(name)s %(levelname)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "utc",
            "filters": ["hide_secret_paths", "escape_control"],
        },
        "security": (
            {
                "class": "logging.FileHandler",
                "filename": SECURITY_LOG_FILE,
                "formatter": "utc",
                "filters": ["hide_secret_paths", "escape_control"],
            }
            if SECURITY_LOG_FILE
            else {
                "class": "logging.StreamHandler",
                "formatter": "utc",
                "filters": ["hide_secret_paths", "escape_control"],
            }
        ),
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Request logs name the path: a calendar feed's token is hidden before any handler.
        "django.request": {"filters": ["hide_secret_paths"]},
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["hide_secret_paths"],
        },
        "axes": {"level": "WARNING"},
        "improve.security": {
            "handlers": ["security"],
            "level": "INFO",
            "propagate": False,
            "filters": ["hide_secret_paths", "escape_control"],
        },
    },
}
