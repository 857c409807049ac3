"""Django settings for Allies, driven by environment variables with safe local defaults.

ALLIES_ENV=production switches on the production guard rails: DEBUG must be off, the
secret key must be set, HTTPS is required, and demo accounts make the server refuse to
start (see allies.core.checks).
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("ALLIES_DATA_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEFAULT_SECRET_KEY = "allies-insecure-development-key-change-me"  # noqa: S105 (refused in production)
ALLIES_ENV = os.environ.get("ALLIES_ENV", "development").strip().lower()
PRODUCTION = ALLIES_ENV == "production"

SECRET_KEY = os.environ.get("ALLIES_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("ALLIES_DEBUG", not PRODUCTION)

if PRODUCTION:
    problems = []
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("ALLIES_SECRET_KEY is not set (or shorter than 32 characters): set a long random secret")
    if DEBUG:
        problems.append("ALLIES_DEBUG is on: production must run with DEBUG off")
    if problems:
        raise ImproperlyConfigured("Allies refuses to start in production: " + "; ".join(problems))

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLIES_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("ALLIES_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "bootstrap",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "allies.core",
    "allies.partners",
    "allies.diligence",
    "allies.pilots",
    "allies.sharing",
    "allies.agreements",
    "allies.settlements",
    "allies.governance",
    "allies.monitoring",
    "allies.ecosystem",
    "allies.knowledge",
    "allies.web",
]

MIDDLEWARE = [
    "allies.api.middleware.TokenReadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "allies.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allies.api.fallback.MethodNotAllowedMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]
# API reads made with a token (GET/HEAD under /api/ with "Authorization: Bearer ...") take this
# shorter stack: they never use the session, the logged-in user, CSRF, messages, htmx, static
# files or auditlog's actor context (allies.api.middleware).
ALLIES_TOKEN_READ_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "allies.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allies.api.fallback.MethodNotAllowedMiddleware",
]

ROOT_URLCONF = "allies.config.urls"
WSGI_APPLICATION = "allies.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "allies.web.context.navigation",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'allies.sqlite3'}"),
        conn_max_age=int(os.environ.get("ALLIES_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus a socket health check and prepared statements for the hot API reads.
    DATABASES["default"]["ENGINE"] = "allies.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A new SQLite connection per request by default (the development server starts a thread
    # per request); production servers with one thread per process (gunicorn sync workers)
    # save ~1 ms a request by setting ALLIES_DB_CONN_MAX_AGE explicitly, as for PostgreSQL.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("ALLIES_DB_CONN_MAX_AGE", "0"))
    DATABASES["default"]["OPTIONS"] = {
        # mmap: reads come straight from the page cache instead of a read() call per page.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                        "PRAGMA mmap_size=1073741824;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    if os.environ.get("REDIS_URL")
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("ALLIES_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("ALLIES_STATIC_ROOT", DATA_DIR / "static"))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("ALLIES_MEDIA_ROOT", DATA_DIR / "media"))

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ALLIES_IMPORT_MAX_BYTES = int(os.environ.get("ALLIES_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
ALLIES_API_MAX_PAGE_SIZE = 200
ALLIES_EVIDENCE_MAX_BYTES = int(os.environ.get("ALLIES_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
# Dotted path of a callable(path, filename) that raises to reject an uploaded evidence file
# (e.g. a ClamAV client); empty = no scan. See allies/diligence/evidence.py.
ALLIES_EVIDENCE_SCANNER = os.environ.get("ALLIES_EVIDENCE_SCANNER", "") or None

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("ALLIES_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ALLIES_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ALLIES_HSTS_PRELOAD", True)

AUDITLOG_INCLUDE_ALL_MODELS = False

# Background work (imports, later settlements and alerts) runs on django-tasks; `allies serve`
# starts a database-backed worker beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Data sharing (issue: sales API, tokens, joint customers)
ALLIES_SALES_UPLOAD_MAX_BYTES = int(os.environ.get("ALLIES_SALES_UPLOAD_MAX_BYTES", str(200 * 1024 * 1024)))
ALLIES_SALES_MAX_ROWS = int(os.environ.get("ALLIES_SALES_MAX_ROWS", "1000000"))
ALLIES_API_THROTTLE = os.environ.get("ALLIES_API_THROTTLE", "6000/min")
if ALLIES_API_THROTTLE and not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", ALLIES_API_THROTTLE):
    raise ImproperlyConfigured(f"ALLIES_API_THROTTLE must look like 6000/min, not {ALLIES_API_THROTTLE!r}")
# On PostgreSQL, access-log entries of API reads commit without waiting for the disk (see
# allies.sharing.tokens._insert_sql): a database crash may lose the last ~0.6 s of entries.
ALLIES_ACCESS_LOG_ASYNC_COMMIT = env_bool("ALLIES_ACCESS_LOG_ASYNC_COMMIT", True)
# How many proxies in front of Allies set X-Forwarded-For (for tokens' allowed IP ranges).
NINJA_NUM_PROXIES = int(os.environ.get("ALLIES_NUM_PROXIES", "0")) or None
ALLIES_OVERLAP_DAILY_LIMIT = int(os.environ.get("ALLIES_OVERLAP_DAILY_LIMIT", "20"))
ALLIES_REGISTRATION_PROTECTION_DAYS = int(os.environ.get("ALLIES_REGISTRATION_PROTECTION_DAYS", "90"))
# Key for the keyed hashes of customer identifiers; defaults to one derived from SECRET_KEY.
ALLIES_MATCHING_KEY = os.environ.get("ALLIES_MATCHING_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ALLIES_LOG_LEVEL", "WARNING")},
}
