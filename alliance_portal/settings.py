"""One settings module for every run mode, configured by the environment.

Embedded default (no environment): SQLite in the project folder, Celery tasks run in process,
emails to the console. Production (DJANGO_DEBUG unset and DJANGO_ENV=production): every secret and
host must come from the environment, and a missing or malformed one stops the start with a message.
"""

import os
from pathlib import Path
from typing import TypedDict

import dj_database_url
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
        return default or ""
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    "embedded-default-insecure-key-for-local-use-only-never-in-production-0123456789",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the portal, used in links inside emails (invitations, password resets).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000", required=PRODUCTION).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "alliance_portal",
    "members",
    "supply",
    "donations",
    "notices",
    "assistance",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (settings below, "Browser security").
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authenticate() into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "alliance_portal.urls"

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
                "alliance_portal.context_processors.portal",
                "dashboard.context_processors.pending",
            ],
        },
    },
]

WSGI_APPLICATION = "alliance_portal.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL", required=PRODUCTION)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # Tests use an in-memory database unless this names a file (the real-worker alert test needs a file the
            # Celery worker can open too).
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the membership with the user (one query a request); ModelBackend for older sessions.
    "members.backends.MembershipModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # each role's start page (dashboard/start.py)
LOGOUT_REDIRECT_URL = "home"

# Brute-force protection: after AXES_FAILURE_LIMIT failures for one username from one address, that pair
# is locked out for AXES_COOLOFF_MINUTES (the admin and the web login share it; the API has its own
# counter for bad keys in alliance_portal.api_auth).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

LANGUAGE_CODE = "zh-hans"
# Our number formats first (alliance_portal/formats/zh_Hans: 20,000 rather than 20000), then Django's.
FORMAT_MODULE_PATH = ["alliance_portal.formats"]
LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the xstatic-bootstrap package and is served as our own static files (no CDN).
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
MEDIA_URL = "media/"
# Uploads (imports, attachments) larger than this are refused with a message, not read into memory.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024

# Email: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
elif PRODUCTION:
    raise ImproperlyConfigured("The environment variable EMAIL_HOST must be set in production.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Alliance Portal <noreply@alliance-portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache: Redis when configured (shared by several web nodes), otherwise per process.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open when Redis is away (alliance_portal/cache.py): degraded, not down.
    from alliance_portal.cache import redis_caches

    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_RETRY_SECONDS = env_int("REDIS_RETRY_SECONDS", 10)
# Sessions are read from the cache and kept in the database (a signed-in page costs no session query; with the cache
# away they are read from the database as before).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Celery: with no broker the tasks run eagerly, in process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "purge-idempotency-keys": {"task": "alliance_portal.tasks.purge_old_idempotency_keys", "schedule": 3600},
    "purge-api-key-failures": {"task": "alliance_portal.tasks.purge_expired_api_key_failures", "schedule": 3600},
    # Waiting time raises a request's priority by the day; hourly keeps the queue at most an hour behind.
    "supply-recompute-priorities": {"task": "supply.tasks.recompute_priorities", "schedule": 3600},
    # Reports each request that became stale once (re-confirming clears the report).
    "supply-flag-stale-requests": {"task": "supply.tasks.flag_stale_requests", "schedule": 3600},
    # A notice scheduled for 9:00 goes out within the minute.
    "notices-publish-due": {"task": "notices.tasks.publish_due_notices", "schedule": 60},
    "notices-ack-reminders": {"task": "notices.tasks.remind_unacknowledged_notices", "schedule": 3600},
    # Alerts whose message was lost (broker restarted, worker killed) or whose retry is due go out again.
    "alerts-requeue": {"task": "notices.alerts.requeue_alerts", "schedule": 60},
    # Mid-morning, when the day's reports should be in; each organisation is reminded at most once a day (a row per
    # organisation and date), however often the task runs.
    "assistance-remind-missing-reports": {
        "task": "assistance.tasks.remind_missing_reports",
        "schedule": crontab(hour=env_int("STATUS_REPORT_REMIND_HOUR", 10), minute=0),
    },
    # Each overdue pledge and each appeal near its deadline is reported once.
    "donations-flag-overdue-pledges": {"task": "donations.tasks.flag_overdue_pledges", "schedule": 3600},
    "donations-flag-appeals-closing-soon": {"task": "donations.tasks.flag_appeals_closing_soon", "schedule": 3600},
}

# Backups (manage.py export_alliance_data) keep datetimes to the microsecond.
SERIALIZATION_MODULES = {"exactjson": "alliance_portal.exact_json"}

# A JSON body larger or deeper than this is a 400 (alliance_portal/parsers.py); no record needs more.
API_JSON_MAX_BYTES = env_int("API_JSON_MAX_BYTES", 1024 * 1024)
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "alliance_portal.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["alliance_portal.api_auth.HasScope"],
    "DEFAULT_FILTER_BACKENDS": [
        "alliance_portal.filters.StrictFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "alliance_portal.parsers.GuardedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Every list pages without a total count (the contract: results, next), so no page costs a COUNT.
    "DEFAULT_PAGINATION_CLASS": "alliance_portal.pagination.UncountedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "alliance_portal.api_schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "alliance_portal.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "alliance_portal.throttling.AnonRateThrottle",
        "alliance_portal.throttling.KeyRateThrottle",
        "alliance_portal.throttling.UserRateThrottle",
        "alliance_portal.throttling.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "120/minute"),
        "key": env_str("API_KEY_RATE", "1200/minute"),
        "user": env_str("API_USER_RATE", "600/minute"),
        "write": env_str("API_WRITE_RATE", "120/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance Portal API",
    "DESCRIPTION": (
        "The REST API of the IC materials alliance portal. Authenticate with "
        "`Authorization: Bearer <api key>`; keys are issued by the secretariat."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "APPEND_COMPONENTS": {
        "securitySchemes": {"ApiKey": {"type": "http", "scheme": "bearer", "description": "Partner API key"}}
    },
    "SECURITY": [{"ApiKey": []}],
    # No badge from the online validator: the docs must not call a foreign host (closed networks, blocked CDNs).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets sharing a field name across models need their own names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "members.models.Organisation.Kind",
        "SiteKindEnum": "members.models.Site.Kind",
        "OrganizationStatusEnum": "members.models.Organisation.Status",
        "RiskLevelEnum": "members.models.RiskLevel",
        "SupplyRequestStatusEnum": "supply.models.SupplyRequest.Status",
        "CommitmentStatusEnum": "supply.models.Commitment.Status",
        "FillStateEnum": "supply.api.requests.FILL_STATES",
        "ProvinceEnum": "members.regions.Province",
        "NoticeStatusEnum": "notices.models.Notice.Status",
        "NoticeCategoryEnum": "notices.models.Notice.Category",
        "NoticeAudienceEnum": "notices.models.Notice.Audience",
        "AlertEventEnum": "notices.alerts.registry.event_choices",
        "AssistanceCaseStatusEnum": "assistance.models.AssistanceCase.Status",
        "DifficultyEnum": "members.models_reports.Difficulty",
        "AlertChannelEnum": "notices.alerts.models.Channel",
        "AppealStatusEnum": "donations.models.Appeal.Status",
        "PledgeStatusEnum": "donations.models.Pledge.Status",
        "PledgeKindEnum": "donations.models.Pledge.Kind",
        "PledgeChannelEnum": "donations.models.Pledge.Channel",
        "PledgeCustomsEnum": "donations.models.Pledge.Customs",
        "ShipmentStatusEnum": "alliance_portal.shipping.ShipmentStatus",
        "CheckpointKindEnum": "alliance_portal.shipping.CheckpointKind",
    },
}
# Failed API key attempts from one address before that address is refused for AXES_COOLOFF_MINUTES.
API_KEY_FAILURE_LIMIT = env_int("API_KEY_FAILURE_LIMIT", 20)
# An API key (and its organisation) is cached this long after it was read (alliance_portal.key_cache): a revocation
# takes effect at once, or within these seconds when the cache could not be told (Redis away at that moment).
API_KEY_CACHE_SECONDS = env_int("API_KEY_CACHE_SECONDS", 30)
# bench/api_floor.py's bare `.values()` views (alliance_portal/bench_views.py): never on in production.
API_BENCH_VIEWS = env_bool("API_BENCH_VIEWS", False)

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Invitation links stay valid this long.
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The redirect to HTTPS must not catch the load balancer's health probe.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Browser security. The Content-Security-Policy allows scripts, styles, fonts and frames from the portal's own origin
# only: no inline script, no inline style, no event-handler attribute (tests/test_security_headers.py scans the
# templates), no CDN. Images may also be data: URIs (Bootstrap draws its form and navbar icons so). Views that need
# more say so with django-csp's decorators (the API's ReDoc page: alliance_portal/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features the portal never uses are off for it and anything it embeds.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
# Links to other sites carry no address of the portal's pages (they may name records).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


class PriorityWeights(TypedDict):
    risk: dict[str, int]
    priority_guarantee: int
    days_of_stock: list[tuple[int, int]]
    urgency: dict[str, int]
    needed_by: list[tuple[int, int]]
    waiting_per_day: int
    waiting_max: int


# Supply coordination. The priority of a request is the sum of these parts (see supply/priority.py and the README).
SUPPLY_PRIORITY_WEIGHTS: PriorityWeights = {
    "risk": {"high": 40, "medium": 20, "low": 0},  # the delivery site's current risk level
    "priority_guarantee": 25,  # the fab is one the alliance guarantees first (YMTC, Wuhan Xinxin)
    "days_of_stock": [(1, 30), (3, 20), (7, 10), (14, 5)],  # (at most N days left, points), first match wins
    "urgency": {"critical": 20, "high": 10, "normal": 0},
    "needed_by": [(2, 10), (7, 5)],  # (needed within N days, overdue included, points)
    "waiting_per_day": 1,  # per day since submission...
    "waiting_max": 10,  # ...up to this many points
}
SUPPLY_STALE_AFTER_DAYS = env_int("SUPPLY_STALE_AFTER_DAYS", 7)
SUPPLY_CAPACITY_STALE_AFTER_DAYS = env_int("SUPPLY_CAPACITY_STALE_AFTER_DAYS", 14)

# Status reports and assistance (README "Status reports and assistance"). A member reports once per period (1: daily);
# a report may be filed or corrected for a date up to STATUS_REPORT_MAX_AGE_DAYS back; an open assistance case with
# no note for ASSISTANCE_STALE_DAYS is flagged.
STATUS_REPORT_PERIOD_DAYS = env_int("STATUS_REPORT_PERIOD_DAYS", 1)
STATUS_REPORT_MAX_AGE_DAYS = env_int("STATUS_REPORT_MAX_AGE_DAYS", 7)
ASSISTANCE_STALE_DAYS = env_int("ASSISTANCE_STALE_DAYS", 3)

# Alert pipeline (notices.alerts.services; README "Alert pipeline"). A row stuck in "sending" longer than
# ALERT_SENDING_TIMEOUT_SECONDS belonged to a dead worker and goes back to pending: keep it well above the longest
# delivery (an email batch, ALERT_HTTP_TIMEOUT_SECONDS for a webhook) and below CELERY_VISIBILITY_TIMEOUT.
ALERT_MAX_ATTEMPTS = env_int("ALERT_MAX_ATTEMPTS", 8)
ALERT_RETRY_BASE_SECONDS = env_int("ALERT_RETRY_BASE_SECONDS", 60)
ALERT_RETRY_MAX_SECONDS = env_int("ALERT_RETRY_MAX_SECONDS", 6 * 3600)
ALERT_SENDING_TIMEOUT_SECONDS = env_int("ALERT_SENDING_TIMEOUT_SECONDS", 600)
# A new row's own message gets this long before the periodic scan sends it again.
ALERT_REQUEUE_GRACE_SECONDS = env_int("ALERT_REQUEUE_GRACE_SECONDS", 60)
ALERT_EMAIL_BATCH_SIZE = env_int("ALERT_EMAIL_BATCH_SIZE", 100)
# Outcomes of a batch are written in one UPDATE per this many messages (or per ALERT_RECORD_SECONDS, whichever comes
# first): a worker killed mid-batch sends at most this many again, with the same delivery ids.
ALERT_RECORD_EVERY = env_int("ALERT_RECORD_EVERY", 50)
ALERT_RECORD_SECONDS = env_int("ALERT_RECORD_SECONDS", 1)
ALERT_HTTP_TIMEOUT_SECONDS = env_int("ALERT_HTTP_TIMEOUT_SECONDS", 10)
# Outbound calls (webhooks, robots) to loopback: development and tests only (alliance_portal/outbound.py).
OUTBOUND_ALLOW_LOOPBACK = env_bool("OUTBOUND_ALLOW_LOOPBACK", not PRODUCTION)
if PRODUCTION and OUTBOUND_ALLOW_LOOPBACK:
    raise ImproperlyConfigured("OUTBOUND_ALLOW_LOOPBACK may not be set in production.")
# Where the secretariat's alerts go; empty: the email of every active staff user.
ALERT_SECRETARIAT_EMAILS = env_list("ALERT_SECRETARIAT_EMAILS", [])

# Notices asking for acknowledgement: organisations missing after this many hours are reminded once, and after as
# long again escalated to the secretariat once.
NOTICE_ACK_REMINDER_HOURS = env_int("NOTICE_ACK_REMINDER_HOURS", 24)
# A publication that reaches more organisations than this is confirmed by a person, who is shown how many (the web
# page and the admin action; notices.services.reach_to_confirm).
NOTICE_CONFIRM_REACH_ABOVE = env_int("NOTICE_CONFIRM_REACH_ABOVE", 5)
