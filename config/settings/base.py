"""ICIS settings: everything that differs between machines comes from the environment.

DATABASE_URL   default sqlite:///var/icis.sqlite3 (PostgreSQL in production: postgres://user@host/db)
SECRET_KEY     required when DEBUG is off
DEBUG          1/0, default 0
ALLOWED_HOSTS  comma-separated, default 127.0.0.1,localhost
"""

import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from icis.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, found by the project's form renderer (FORM_RENDERER)
    "django_tables2",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "icis.core",
    "icis.accounts",
    "icis.geo",
    "icis.documents",
    "icis.clusters",
    "icis.dossiers",
    "icis.planning",
    "icis.construction",
    "icis.tenancy",
    "icis.environment",
    "icis.awards",
    "icis.inspections",
    "icis.legal",
    "icis.reporting",
    "icis.registry_io",
    "icis.dashboard",
    "icis.maps",
    "icis.portal",
    "icis.audit",
    "icis.demo",
    "icis.synthetic",
]

MIDDLEWARE = [
    # First: every log line of the request carries its X-Request-ID (icis/core/request_log.py).
    "icis.core.request_log.RequestIdMiddleware",
    # /health/ and /ready/ for load balancers: any Host, plain HTTP, no session (icis/core/health.py).
    "icis.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "icis.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "icis.accounts.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "icis.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "icis.core.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "icis.core.middleware.ChangeChannelMiddleware",
    # Report pages read from the replica when DATABASE_REPLICA_URL is set (icis/core/replica.py).
    "icis.core.replica.ReplicaReadsMiddleware",
    # Last: it answers lock-outs for the login form.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'icis.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before a request uses it, so a database restart costs no 500s.
        conn_health_checks=True,
    )
}
DATABASE_ROUTERS = ["icis.core.routers.TablelessModelsRouter"]
# PostgreSQL session settings sent with each new connection (libpq `options`). JIT compilation off: every query
# here is short, and at national size the planner's cost estimates crossed jit_above_cost, so PostgreSQL spent
# 10-12 ms compiling for a 50 ms query (bench/RESULTS.md). Empty it behind a pooler that refuses startup
# options (PgBouncer without ignore_startup_parameters) and set jit = off in postgresql.conf instead.
DB_SESSION_OPTIONS = env_str("DB_SESSION_OPTIONS", "-c jit=off")
# A read replica of the primary (PostgreSQL streaming replication): report reads go there (docs/deployment.md).
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL", ""), conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS.insert(0, "icis.core.replica.ReplicaRouter")
for _alias in DATABASES.values():
    if _alias["ENGINE"] == "django.db.backends.postgresql" and DB_SESSION_OPTIONS:
        _alias.setdefault("OPTIONS", {})["options"] = DB_SESSION_OPTIONS
# GET/HEAD requests under these paths read report data from the replica (when there is one).
ICIS_REPLICA_PATHS = env_list("ICIS_REPLICA_PATHS", ["/reports/", "/api/reports/"])

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers: IMMEDIATE takes the write lock at BEGIN, so two edits queue instead of
    # failing half-way; WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# One Bootstrap 5 renderer for every form (icis/core/forms.py, templates/includes/form_*.html).
FORM_RENDERER = "icis.core.forms.BootstrapRenderer"
DJANGO_TABLES2_TEMPLATE = "includes/table.html"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# "shared" is seen by every process (throttle counters); `manage.py createcachetable` makes its table.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "icis_cache"},
    # This process's own counters (the public read API's throttle): no query, not shared.
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "icis-local"},
}
ICIS_THROTTLE_CACHE = "shared"
ICIS_LOCAL_THROTTLE_CACHE = "local"

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated); from
# anyone else the header is ignored (icis.core.network.client_ip: throttles, lock-outs, audit log).
ICIS_TRUSTED_PROXIES = env_list("ICIS_TRUSTED_PROXIES", [])
for _proxy in ICIS_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"ICIS_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network") from None

# Sign-in and session security (OWASP ASVS L2). Production tightens cookies and HSTS further.
# Idle timeout by IdleTimeoutMiddleware (it touches the session at most once a minute, so reads do
# not all write); the cookie age caps a working day.
ICIS_SESSION_IDLE_SECONDS = env_int("ICIS_SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_AGE = env_int("ICIS_SESSION_MAX_HOURS", 10) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The map's base tiles ({z}/{x}/{y} URL template; empty: no tiles, e.g. offline — clusters and outlines are
# still drawn), their attribution, and an optional GeoJSON file of province/commune outlines (a URL on this
# site, e.g. under /static/; ICIS ships none: no openly licensed outline data was available).
ICIS_MAP_TILES_URL = env_str("ICIS_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
ICIS_MAP_TILES_ATTRIBUTION = env_str("ICIS_MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors")
ICIS_MAP_OUTLINES_URL = env_str("ICIS_MAP_OUTLINES_URL", "")
ICIS_MAP_CENTRE = tuple(float(x) for x in env_list("ICIS_MAP_CENTRE", ["16.0", "106.0"]))
ICIS_MAP_ZOOM = env_int("ICIS_MAP_ZOOM", 6)
if len(ICIS_MAP_CENTRE) != 2:
    raise ImproperlyConfigured("ICIS_MAP_CENTRE must be 'latitude,longitude'")


def _origin(url: str) -> str:
    """scheme://host[:port] of a URL template, for the Content-Security-Policy."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


_TILE_ORIGIN = _origin(ICIS_MAP_TILES_URL)
if ICIS_MAP_TILES_URL and not _TILE_ORIGIN:
    raise ImproperlyConfigured(f"ICIS_MAP_TILES_URL: {ICIS_MAP_TILES_URL!r} is not an http(s) URL template")
ICIS_CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: {_TILE_ORIGIN}; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)
AXES_FAILURE_LIMIT = env_int("ICIS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("ICIS_LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "icis.core.network.client_ip"
ICIS_REQUIRE_2FA = env_bool("ICIS_REQUIRE_2FA", False)
# API tokens expire this many hours after issue (docs/security.md).
ICIS_TOKEN_TTL_HOURS = env_int("ICIS_TOKEN_TTL_HOURS", 24)
if ICIS_TOKEN_TTL_HOURS < 1:
    raise ImproperlyConfigured("ICIS_TOKEN_TTL_HOURS must be at least 1")
OTP_TOTP_ISSUER = "ICIS"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "icis.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["icis.core.api.permissions.ModelPermissionsOrReadOnlyStaff"],
    "DEFAULT_PAGINATION_CLASS": "icis.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "icis.core.api.errors.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("ICIS_TOKEN_RATE", "10/minute"),
        # Anonymous investment enquiries (icis/portal): per client address, API and page alike.
        "enquiry": env_str("ICIS_ENQUIRY_RATE", "5/hour"),
        # The public read-only API (icis/portal/api): per client address.
        "public": env_str("ICIS_PUBLIC_API_RATE", "600/minute"),
    },
    "NUM_PROXIES": 0,  # DRF's own throttles, if ever used, key on REMOTE_ADDR; ours use ICIS_TRUSTED_PROXIES
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ICIS API",
    "DESCRIPTION": (
        "Industrial Cluster Information System. Authenticate with POST /api/auth/token/ and send "
        '`Authorization: Token <token>`. Errors are `{"errors": [{"field", "code", "message"}]}`.'
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "icis.core.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClusterStatusEnum": "icis.clusters.choices.ClusterStatus",
        "ProjectStatusEnum": "icis.tenancy.choices.ProjectStatus",
        "DossierKindEnum": "icis.dossiers.choices.DossierKind",
        "DossierOutcomeEnum": "icis.dossiers.choices.Outcome",
        "SelectionOutcomeEnum": "icis.dossiers.choices.SelectionOutcome",
        "GateOutcomeEnum": "icis.legal.choices.Outcome",
        "PlantStatusEnum": "icis.environment.choices.PlantStatus",
        "ViolationStatusEnum": "icis.environment.choices.ViolationStatus",
        "ReceivingClassEnum": "icis.environment.choices.ReceivingClass",
        "WaterBodyKindEnum": "icis.environment.choices.WaterBodyKind",
        "NominationStatusEnum": "icis.awards.choices.NominationStatus",
        "InspectionPlanStatusEnum": "icis.inspections.choices.PlanStatus",
        "InspectionStatusEnum": "icis.inspections.choices.InspectionStatus",
        "InspectionViolationStatusEnum": "icis.inspections.choices.ViolationStatus",
        "InspectionTopicEnum": "icis.inspections.choices.Topic",
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Every line carries the request id; ICIS_LOG_JSON=1 (production's default) writes one JSON object a line.
ICIS_LOG_JSON = env_bool("ICIS_LOG_JSON", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "icis.core.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "icis.core.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if ICIS_LOG_JSON else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "ERROR"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The home province (GSO code): where province-wide users without a province scope act; checked at start
# (geo.E001/E002). Plan-level figures come from the planning app's records, not here.
ICIS_PROVINCE_CODE = env_str("ICIS_PROVINCE_CODE", "01")

# Construction monitoring (docs/construction.md): thresholds behind the flags, forecasts and visit plans.
ICIS_STALLED_MONTHS = env_int("ICIS_STALLED_MONTHS", 6)
ICIS_NOT_STARTED_MONTHS = env_int("ICIS_NOT_STARTED_MONTHS", 12)
ICIS_NEAR_COMPLETE_PERCENT = env_int("ICIS_NEAR_COMPLETE_PERCENT", 90)
ICIS_FORECAST_REPORTS = env_int("ICIS_FORECAST_REPORTS", 6)
ICIS_VISIT_FREQUENCY_MONTHS = env_int("ICIS_VISIT_FREQUENCY_MONTHS", 3)
ICIS_STALE_DAYS = env_int("ICIS_STALE_DAYS", 180)
# The briefing's header and place, report senders and recipients, the establishment gate's area unit, the
# mountainous communes and the wastewater rule's "new clusters" date are each province's settings
# (geo.ProvinceSettings, the page /provinces/settings/), not environment variables.

# Background jobs (docs/jobs.md): a queue in the database (django-tasks + django-tasks-db), run by
# `manage.py jobs_worker`. ICIS_JOBS_SYNC=1 runs every job in the request instead (tests, one-off scripts).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ICIS_JOBS_SYNC = env_bool("ICIS_JOBS_SYNC", env_bool("ICIS_IMPORT_SYNC", False))
# A running job writes a heartbeat this often; one silent for ICIS_JOB_STALE_SECONDS is marked failed.
ICIS_JOB_HEARTBEAT_SECONDS = env_int("ICIS_JOB_HEARTBEAT_SECONDS", 5)
ICIS_JOB_STALE_SECONDS = env_int("ICIS_JOB_STALE_SECONDS", 45)
# Workers queue the daily jobs (icis/core/periodic.py) when due; off in the tests, which call run_due() themselves.
ICIS_DAILY_JOBS = env_bool("ICIS_DAILY_JOBS", True)
if not 0 < 2 * ICIS_JOB_HEARTBEAT_SECONDS < ICIS_JOB_STALE_SECONDS:
    raise ImproperlyConfigured("ICIS_JOB_STALE_SECONDS must exceed twice ICIS_JOB_HEARTBEAT_SECONDS (both > 0)")

# Tenant list import (docs/tenant-import.md): upload limits; files are checked and imported as jobs.
# Sized for a province: rows are read as a stream (openpyxl read_only), so memory stays flat in the file's
# size (`manage.py bench_imports`, docs/imports.md).
ICIS_IMPORT_MAX_BYTES = env_int("ICIS_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
ICIS_IMPORT_MAX_ROWS = env_int("ICIS_IMPORT_MAX_ROWS", 50_000)
# Workbooks are refused before openpyxl sees them if they would inflate beyond this, or compress more than
# this ratio (zip bombs); docs/security.md. 50,000 rows of a tenant list inflate to about 30 MB.
ICIS_IMPORT_MAX_INFLATED_BYTES = env_int("ICIS_IMPORT_MAX_INFLATED_BYTES", 100 * 1024 * 1024)
ICIS_IMPORT_MAX_RATIO = env_int("ICIS_IMPORT_MAX_RATIO", 100)

# Stored uploads (documents, site photos): largest file, and the inflated limit for Word/Excel packages.
ICIS_UPLOAD_MAX_BYTES = env_int("ICIS_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
ICIS_UPLOAD_MAX_INFLATED_BYTES = env_int("ICIS_UPLOAD_MAX_INFLATED_BYTES", 100 * 1024 * 1024)

# Wastewater (docs/environment.md): days to correct a violation; the sampling window when a plant has no
# monitoring requirement.
ICIS_VIOLATION_DEADLINE_DAYS = env_int("ICIS_VIOLATION_DEADLINE_DAYS", 30)
ICIS_MONITORING_DEFAULT_MONTHS = env_int("ICIS_MONITORING_DEFAULT_MONTHS", 3)
