"""Pathways settings: one module, configured from the environment.

`DATABASE_URL` selects the database (default: SQLite under `var/`).
`PATHWAYS_ENV` is `demo` (default), `test` or `production`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PATHWAYS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable; anything unexpected is an error, not a guess."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}: {raw!r} is not a yes/no value")


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            # Said plainly, naming the setting: a traceback from deep in the settings
            # would leave an operator guessing which of the secrets is missing.
            raise RuntimeError(
                f"{name}_FILE names {path}, which cannot be read: {error.strerror}"
            ) from None
    return os.environ.get(name, default)


PATHWAYS_ENV = os.environ.get("PATHWAYS_ENV", "demo")
PRODUCTION = PATHWAYS_ENV == "production"

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY") or (
    "" if PRODUCTION else "insecure-demo-key-never-use-in-production-0123456789"
)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # Pathways' apps in their layers, lowest first (docs/decisions/0009-app-layers.md):
    # an app imports only the apps listed before it (`make lint` checks it).
    "pathways.partners",
    "pathways.audit",
    "pathways.background",
    "pathways.people",
    "pathways.linkage",
    "pathways.events",
    "pathways.referrals",
    "pathways.identification",
    "pathways.sharing",
    "pathways.alerts",
    "pathways.cases",
    "pathways.casework",
    "pathways.feeds",
    "pathways.governance",
    "pathways.outcomes",
    "pathways.synth",
    "pathways.access",
    "pathways.setup",
    "pathways.api",
    "pathways.web",
]

MIDDLEWARE = [
    # Behind the TLS proxy: the client's address, for the audit (PATHWAYS_TRUSTED_PROXIES).
    "pathways.web.proxy.ClientAddressFromProxy",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the server process, before sessions or the database are
    # touched: the design system's styles load even while the database is down.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pathways.web.two_factor.RequireTwoFactor",
    "pathways.audit.context.RequestContextMiddleware",
    # Person data only through the door (pathways.access) while a request is served.
    "pathways.access.middleware.DoorShut",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pathways.api.middleware.JsonErrorsForApi",
    "pathways.web.security.ContentSecurityPolicy",
]

ROOT_URLCONF = "pathways.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pathways" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "pathways.wsgi.application"

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'pathways.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        conn_max_age=60,
        # A kept connection is tried before a request reuses it: after a database restart
        # the first request replaces the dead connection instead of failing on it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes; a busy timeout instead of
    # "database is locked" errors when two processes write at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query its planner thinks costly, which the sharing
    # policy's EXISTS clauses look like: over a second of compiling for a 50 ms search.
    # random_page_cost: PostgreSQL's default (4) prices a random read as on a spinning
    # disk, and then hashes a whole table (137,000 agency records) to join 700 referrals
    # to their records: 260 ms for the referral inbox at 100,000 people, 16 ms at 1.1,
    # the value for the SSDs any host of Pathways has (docs/deployment.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
    # A server that does not answer at all (not one that refuses) holds a request at most
    # this many seconds before the request gets the "service unavailable" page.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
    if PATHWAYS_ENV == "test":
        # Django empties tables between transactional tests with TRUNCATE, which the
        # audit's trigger refuses everywhere else (sharing migration 0010).
        DATABASES["default"]["OPTIONS"]["options"] += " -c pathways.audit_maintenance=on"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if PATHWAYS_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "pathways" / "static"]
# whitenoise serves /static/ (decision 0016). In production from STATIC_ROOT, which
# `collectstatic` (run by `pathways serve`, or by the operator at an upgrade) fills with
# compressed copies under names holding a hash of their content, cached by browsers for
# a year. The demo serves the files where they are (the apps' static folders, listed when
# the server starts) and collects nothing, unless STATIC_ROOT is given.
STATIC_ROOT = (
    Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
    if PRODUCTION or os.environ.get("STATIC_ROOT")
    else None
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Tests read no static file through Django's test client, and listing the folders for
# each test's client would cost 20 ms a test; live_server serves static files itself.
WHITENOISE_USE_FINDERS = PATHWAYS_ENV not in ("production", "test")
# Uploaded files (scans of signed consent forms) are person data: kept under VAR_DIR (or
# MEDIA_ROOT), never in the working directory, and never served as static files.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "uploads"))
# The files the data protection officer's jobs write (subject access, research extracts):
# person data too, kept the same way and downloaded only through the job's page.
PATHWAYS_JOBS_DIR = Path(os.environ.get("PATHWAYS_JOBS_DIR", VAR_DIR / "jobs"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Signed out after PATHWAYS_SESSION_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("PATHWAYS_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/operators.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# The health checks answer a probe on the server's own address, without the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The TLS proxy's addresses (comma-separated addresses or networks): a request from one
# of them is taken to come from the last address of its X-Forwarded-For (web/proxy.py).
PATHWAYS_TRUSTED_PROXIES = [
    a.strip() for a in os.environ.get("PATHWAYS_TRUSTED_PROXIES", "").split(",") if a.strip()
]
# Scripts, styles, fonts and images from this site only; no framing, no plugins.
PATHWAYS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Sign-in throttling (web/signin.py) and two-factor authentication (web/two_factor.py):
# on in production, off in demo and test unless PATHWAYS_TWO_FACTOR says otherwise.
PATHWAYS_SIGNIN_ATTEMPTS = int(os.environ.get("PATHWAYS_SIGNIN_ATTEMPTS", "5"))
PATHWAYS_SIGNIN_LOCK_MINUTES = int(os.environ.get("PATHWAYS_SIGNIN_LOCK_MINUTES", "15"))
PATHWAYS_TWO_FACTOR = env_bool("PATHWAYS_TWO_FACTOR", default=PRODUCTION)
PATHWAYS_TWO_FACTOR_CATEGORIES = [
    c.strip()
    for c in os.environ.get("PATHWAYS_TWO_FACTOR_CATEGORIES", "health,offending").split(",")
    if c.strip()
]
OTP_TOTP_ISSUER = "Pathways"

# The access audit's HMAC key, kept outside the database (audit/chain.py). Production
# must set it; demo and test make a key file under VAR_DIR.
PATHWAYS_AUDIT_KEY = env_secret("PATHWAYS_AUDIT_KEY")
if PRODUCTION and not PATHWAYS_AUDIT_KEY:
    raise RuntimeError("PATHWAYS_AUDIT_KEY (or PATHWAYS_AUDIT_KEY_FILE) must be set in production")

# What the data protection officer's "unusual access" page flags (sharing/audit_queries.py).
PATHWAYS_UNUSUAL_DAYS = int(os.environ.get("PATHWAYS_UNUSUAL_DAYS", "30"))
PATHWAYS_UNUSUAL_PEOPLE = int(os.environ.get("PATHWAYS_UNUSUAL_PEOPLE", "25"))
PATHWAYS_UNUSUAL_REFUSALS = int(os.environ.get("PATHWAYS_UNUSUAL_REFUSALS", "10"))

# After an import of events (or referral history), run identification: for the people
# with new events (everyone, after referrals). Off only to time the two apart
# (bench/identify.py).
PATHWAYS_IDENTIFY_AFTER_IMPORT = env_bool("PATHWAYS_IDENTIFY_AFTER_IMPORT", True)

# Background tasks: the database backend, worked by `pathways worker` (`pathways serve` starts
# one). Tests run tasks at once, in the test's own transaction.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if PATHWAYS_ENV == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}
# Alerts by e-mail (no person data: a count and a link). Demo prints e-mail to the console.
PATHWAYS_ALERT_EMAILS = env_bool("PATHWAYS_ALERT_EMAILS", True)
PATHWAYS_SITE_URL = os.environ.get("PATHWAYS_SITE_URL", "http://127.0.0.1:8000")
if not PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pathways@localhost")

# The partnership whose configuration `pathways init` loads by default.
PATHWAYS_CONFIG_DIR = Path(os.environ.get("PATHWAYS_CONFIG_DIR", BASE_DIR / "config" / "glasgow"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The services that are bail supervision, for the national performance framework's bail
# indicators (comma-separated service codes; none configured in Glasgow's defaults).
PATHWAYS_BAIL_SERVICES = [
    code.strip() for code in os.environ.get("PATHWAYS_BAIL_SERVICES", "").split(",") if code.strip()
]

# Working days for justice social work's clocks (CASEWORK.md "Clocks"): Monday to Friday
# less the public holidays of this country and subdivision (the `holidays` package).
PATHWAYS_HOLIDAYS_COUNTRY = os.environ.get("PATHWAYS_HOLIDAYS_COUNTRY", "GB")
PATHWAYS_HOLIDAYS_SUBDIVISION = os.environ.get("PATHWAYS_HOLIDAYS_SUBDIVISION", "SCT")
