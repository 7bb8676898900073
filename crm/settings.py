"""Settings for the CRM, all read from the environment (one file, see README "Configuration")."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crm.lib.csp import ADMIN_STYLE_HASHES, csp_tile_source

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value is not None else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("CRM_TESTING")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-dev-only-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )

# Tenant hosts are subdomains; ".localhost" covers demo.localhost, acme.localhost, ...
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1,testserver,.testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Applications -------------------------------------------------------------------------
# Public schema: tenants and domains, plus auth/admin for the operators' admin site.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    # SimpleAdminConfig: no automatic discovery, because django-leaflet's admin module needs
    # GDAL; crm.apps discovers the admin modules of every other app.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crm",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "template_partials",
    "leaflet",
    "bootstrap",
]
# Each tenant schema: its own users, sessions, admin log and all CRM data.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin.apps.SimpleAdminConfig",
    "crm",
    "customfields",
    "customers",
    "sales",
    "activity",
    "mapview",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "crm.urls_public"
ROOT_URLCONF = "crm.urls"
# An unknown host answers 404 instead of falling back to the public site.
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Keep django-tenants' SET search_path per query: the limited mode (TENANT_LIMIT_SET_CALLS) has
# a known cross-tenant bug after savepoint rollbacks, and the project's rule is not to rely on it
# (README, "Tenancy"); the per-query SET is one short statement in the same round trip.
TENANT_LIMIT_SET_CALLS = False
# The host name -> tenant lookup cached per process (tenants/middleware.py); 0 switches it off.
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 0 if TESTING else 10)

AUTH_USER_MODEL = "crm.User"
LOGIN_URL = "crm:login"
LOGIN_REDIRECT_URL = "crm:dashboard"
LOGOUT_REDIRECT_URL = "crm:login"

MIDDLEWARE = [
    "tenants.middleware.CachedTenantMiddleware",  # django-tenants' TenantMainMiddleware, cached
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, pre-compressed by collectstatic
    # Pages and fragments gzip-compressed (BREACH: see SECURITY.md, "Compression")
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy, see "Security" below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.middleware.UserLanguageMiddleware",  # the user's own language over the browser's
    "crm.middleware.PrivatePagesMiddleware",  # Cache-Control: private, no-store when signed in
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

BENCH_INSTRUMENT = env_bool("BENCH_INSTRUMENT")  # bench/ only: timing headers and SQL capture
if BENCH_INSTRUMENT:
    MIDDLEWARE.insert(1, "crm.lib.bench.BenchInstrumentMiddleware")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.shell",
                "customfields.context_processors.standard_fields",
            ],
        },
    }
]

WSGI_APPLICATION = "crm.wsgi.application"

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))
else:
    # No DATABASE_URL: the embedded PostgreSQL (pgserver) under .data/pg.
    from crm.lib.embedded_pg import embedded_database

    _db = embedded_database(data_dir=BASE_DIR / ".data" / "pg", name=env("EMBEDDED_DB_NAME", "crm"))
    _db["CONN_MAX_AGE"] = 60
_db["ENGINE"] = "crm.lib.dbbackend"  # django-tenants' backend, Citus-aware
_db["CONN_HEALTH_CHECKS"] = True  # a restarted PostgreSQL is picked up by the next request
_db.setdefault("OPTIONS", {})
if env("TEST_DATABASE_NAME"):
    _db["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
DATABASES = {"default": _db}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery ---------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL and not TESTING or (REDIS_URL and env_bool("TEST_REDIS_CACHE")):
    CACHES = {
        "default": {
            "BACKEND": "crm.lib.cache.TolerantRedisCache",  # Redis down: a cache miss, not a 500
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }

# How long figures are cached per tenant. Every write that changes them makes them stale at once
# (per-tenant generations, crm/lib/generations.py); the lifetime only bounds memory. 0 in tests.
SALES_ROLLUP_CACHE_SECONDS = env_int("SALES_ROLLUP_CACHE_SECONDS", 0 if TESTING else 120)
ACTIVITY_SUMMARY_CACHE_SECONDS = env_int("ACTIVITY_SUMMARY_CACHE_SECONDS", 0 if TESTING else 300)
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 0 if TESTING else 60)
CUSTOMFIELDS_CACHE_SECONDS = env_int("CUSTOMFIELDS_CACHE_SECONDS", 0 if TESTING else 600)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without Redis, background tasks run in-process so the app still works.
# Tests run tasks in-process too, except those that start a real worker on purpose.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or (TESTING and not env_bool("TEST_CELERY_REAL"))
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Parked leads return to their phase on their date (sales.tasks; queued once per tenant).
    "sales-unpark-leads": {"task": "sales.leads_unpark_all_tenants", "schedule": crontab(minute=5)},
    # Customers whose geocoding could not be queued (Redis or the worker down) are picked up.
    "mapview-geocode-pending": {
        "task": "mapview.tasks.geocode_pending_all_tenants",
        "schedule": 300.0,
    },
}

# --- Map and geocoding ---
GEOCODER = env("GEOCODER", "offline")  # offline (gazetteer from PyPI, no network) | nominatim
GEOCODER_USER_AGENT = env(
    "GEOCODER_USER_AGENT", "crm-sales-map/0.1 (self-hosted sales CRM; set GEOCODER_USER_AGENT)"
)
GEOCODER_NOMINATIM_DOMAIN = env("GEOCODER_NOMINATIM_DOMAIN", "nominatim.openstreetmap.org")
GEOCODER_CACHE_DIR = env("GEOCODER_CACHE_DIR", str(BASE_DIR / ".data" / "gazetteer"))
MAP_TILES_URL = env("MAP_TILES_URL", "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")

# --- Auth ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_RATE_LIMIT = int(env("LOGIN_RATE_LIMIT", "10"))  # failed attempts per window
LOGIN_RATE_WINDOW = int(env("LOGIN_RATE_WINDOW", "300"))  # seconds
# Reverse proxies in front of the app that append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# --- I18N, static ----------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("de", _("German"))]
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["crm.formats"]  # German dates 02.12.2026, amounts 116.600 € (crm/formats/de)
CRM_CURRENCY = env("CRM_CURRENCY", "EUR")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # where collectstatic writes
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (51.0, 10.0),
    "DEFAULT_ZOOM": 6,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "PLUGINS": {"forms": {"auto-include": False}, "draw": {"auto-include": False}},
}

# --- Security (production) -----------------------------------------------------------------
# With Redis as the cache, a request reads its session from Redis (keys carry the schema) and
# PostgreSQL only on a miss; every write still goes to the tenant's django_session table.
if CACHES["default"]["BACKEND"] == "crm.lib.cache.TolerantRedisCache":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less hx-headers attribute
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) in every mode, so the browser tests see any violation.
# No inline <script> or event handler anywhere (static/js/behaviors.js); one that is really needed
# takes nonce="{{ request.csp_nonce }}". Style attributes stay allowed: SECURITY.md says why.
_TILES_SOURCE = csp_tile_source(MAP_TILES_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, *ADMIN_STYLE_HASHES],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *([_TILES_SOURCE] if _TILES_SOURCE else [])],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the operator's whole domain to HTTPS for good: their opt-in.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},  # the embedded PostgreSQL narrates every start and stop
    },
}
