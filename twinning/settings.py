"""Twinning settings: one file, read from the environment, safe by default.

Every setting a deployment may change is listed in the README's configuration table.
DEBUG is off unless asked for; without DEBUG there is no default SECRET_KEY, so a
production process refuses to start rather than run with a guessable key.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (production), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_countries",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "taggit",
    "publishing",
    "cities",
    "agreements",
    "directory",
    "api",
    "editors",
    "suggestions",
    "seeking",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body: too large a request is a 413 at once (REQUEST_MAX_BYTES).
    "twinning.middleware.RequestBodyLimitMiddleware",
    "twinning.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "publishing.middleware.ContentVersionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: counts failed logins and locks the account out.
    "axes.middleware.AxesMiddleware",
]

if os.environ.get("DATABASE_REPLICA_URL"):
    MIDDLEWARE.insert(0, "twinning.routers.PublicReadsMiddleware")
if env_bool("QUERY_COUNT_HEADER"):  # make bench only: queries and server time per response
    MIDDLEWARE.insert(0, "twinning.middleware.QueryCountMiddleware")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "twinning.urls"
WSGI_APPLICATION = "twinning.wsgi.application"

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
            ],
        },
    },
]

# SQLite next to the code when DATABASE_URL is unset, so a newcomer needs only Python.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A read replica for the public site (pages, search, API, exports); see twinning/routers.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASE_ROUTERS = ["twinning.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache: local memory in each process by default; Redis, shared by every web process,
# with REDIS_URL. Cached parts are keyed by the content version, so either is always fresh.
if os.environ.get("REDIS_URL"):
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    CACHES["throttle"] = CACHES["default"]
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # The API's request counts must be shared by every web process, or each worker
        # allows the whole rate: a table in the database (api/migrations/0001) without Redis.
        "throttle": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "twinning_throttle",
            # One row per client address in the last minute: culling at Django's default of
            # 300 rows would forget clients' counts under load.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }
# Facet counts of large listings from bitmaps in memory (publishing/bitmaps.py), rebuilt in a
# background thread when content changes; "sync" builds them in the request, "off" never.
FACET_BITMAPS = os.environ.get("FACET_BITMAPS", "background")
# Whole public pages cached under the content version (publishing/page_cache.py).
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", default=True)
# Expensive public pages (common/overload.py): at most this many at a time per process
# (0: no limit), and per client address this rate ("off": none), so a few cannot hold every worker.
EXPENSIVE_CONCURRENCY = int(os.environ.get("EXPENSIVE_CONCURRENCY", "1"))
EXPENSIVE_RATE = os.environ.get("EXPENSIVE_RATE", "30/min")
# Suggestions from the public (suggestions/limits.py): at most this many per client address.
SUGGESTION_RATE = os.environ.get("SUGGESTION_RATE", "10/hour")
# Mail (suggestions' notices): printed to the console unless a backend is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "twinning@localhost")
# With EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend: the server to send through.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Sessions (the admin's) in the database by default, which every web process shares.
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")
# An admin session ends after this long without a request (twinning.middleware extends it).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "120")) * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("it", "Italiano"),
    ("fa", "فارسی"),
    ("vi", "Tiếng Việt"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# A CDN in front of the static files: STATIC_URL=https://cdn.example.org/static/ (the CSP
# then allows that origin too).
STATIC_URL = os.environ.get("STATIC_URL", "static/")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads (signed agreements) go through Django's storage API: local files by default, an
# S3-compatible store (AWS, MinIO, Scaleway, ...) when STORAGE_BACKEND=s3, so that several
# web machines share them.
if os.environ.get("STORAGE_BACKEND", "local") == "s3":
    DEFAULT_STORAGE: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Signed documents: what may be uploaded, checked by content, and how large.
DOCUMENT_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/webp"]
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))

# Request bodies: 1 MB, except staff posting to the admin, who upload signed documents and
# import spreadsheets (10 MB, agreements/admin_import.py); larger is refused before it is read
# (twinning/middleware.py). Files over 2.5 MB are streamed to a temporary file, not memory.
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(1024 * 1024)))
ADMIN_UPLOAD_MAX_BYTES = max(DOCUMENT_MAX_BYTES, 10 * 1024 * 1024) + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Security: safe defaults, relaxed only by DEBUG or explicit settings.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# On by default in production; off where a TLS proxy redirects already, and in the tests.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /health/ over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the site (trusted only with BEHIND_TLS_PROXY): the client's address is
# then the NUM_PROXIES-th from the right in X-Forwarded-For, for the lockout and the throttle.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0")) if env_bool("BEHIND_TLS_PROXY") else 0

# Content-Security-Policy: our own origin only, no inline script or style anywhere on the site.
# (JSON-LD blocks are data, not script.) The admin and the API docs relax styles only.
STATIC_ORIGIN = ["/".join(STATIC_URL.split("/")[:3])] if "://" in STATIC_URL else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *STATIC_ORIGIN],
        "style-src": ["'self'", *STATIC_ORIGIN],
        "img-src": ["'self'", "data:", *STATIC_ORIGIN],
        "font-src": ["'self'", *STATIC_ORIGIN],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Brute force on the admin login: after 5 failures for a user name from one address, that
# pair is locked out for an hour (django-axes), and the login page says so.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind NUM_PROXIES proxies the client is read from X-Forwarded-For (common/clients.py),
# as the API's throttle does: without it, REMOTE_ADDR is the proxy, and five failures would
# lock the user name out for everyone. Failures during a lockout do not prolong it.
AXES_CLIENT_IP_CALLABLE = "common.clients.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# Kosovo has no ISO 3166-1 code; XK is the user-assigned code in common use (EU, GeoNames).
COUNTRIES_OVERRIDE = {"XK": {"name": gettext_lazy("Kosovo"), "alpha3": "XKX"}}

# Themes are a curated vocabulary: the tag field refuses names that are not in it.
TAGGIT_CASE_INSENSITIVE = True

# The public API: read-only, anonymous, JSON, rate-limited per client address.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.FacetedPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.SharedAnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # ?format= selects an export on the browse pages; the API speaks JSON only.
    "URL_FORMAT_OVERRIDE": None,
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Twinning API",
    "DESCRIPTION": (
        "Published records of the Twinning directory: partnerships between cities, their "
        "agreements, meetings and projects, cities and networks. List endpoints take the same "
        "parameters as the browse pages and return their facet counts."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PartnershipKindEnum": "agreements.models.PartnershipKind",
        "PartnershipStatusEnum": "agreements.models.PartnershipStatus",
        "AgreementKindEnum": "agreements.models.AgreementKind",
        "AgreementStatusEnum": "agreements.models.AgreementStatus",
        "ProjectStatusEnum": "agreements.models.ProjectStatus",
        "MeetingFormatEnum": "agreements.models.MeetingFormat",
        "MembershipRoleEnum": "cities.models.MembershipRole",
        "CityNameKindEnum": "cities.models.CityNameKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
AXES_VERBOSE = False
