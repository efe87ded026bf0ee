"""Settings for Dudao, read from the environment (DUDAO_*, DATABASE_URL).

Without any environment the project runs as the embedded demo: SQLite under ``var/``,
debug on, files under ``var/media``. ``docs/deploy.md`` shows a production environment.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DUDAO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DUDAO_DEBUG", default=True)
DEVELOPMENT_SECRET_KEY = "dudao-insecure-development-key-change-me-in-production-0123456789"
SECRET_KEY = env.str("DUDAO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# the keys a rotation replaced (comma-separated), still accepted for what they signed: sessions, password
# reset links, signed download links and, without DUDAO_PUBLIC_LINK_KEY, the signboards' QR codes
SECRET_KEY_FALLBACKS = env.list("DUDAO_SECRET_KEY_FALLBACKS", default=[])


def weak_secret_key(key: str, name: str = "DUDAO_SECRET_KEY") -> str | None:
    """Why ``key`` must not sign a production site (Django's own rule for W009: at least 50
    characters, 5 different ones, not an insecure or example key), or None."""
    if key == DEVELOPMENT_SECRET_KEY:
        return f"{name} is not set: the built-in development key is public"
    if len(key) < 50 or len(set(key)) < 5:
        return f"{name} is too short: use at least 50 random characters"
    if key.startswith("django-insecure-") or "change-me" in key:
        return f"{name} is an example key"
    return None


def weak_audit_key(key: str, secret_key: str) -> str | None:
    """Why ``key`` must not seal a production site's audit chain, or None."""
    if not key:
        return "DUDAO_AUDIT_KEY is not set: without it anyone with the database can rewrite the audit log"
    if key == secret_key:
        return "DUDAO_AUDIT_KEY is the secret key: use a key of its own"
    return weak_secret_key(key, "DUDAO_AUDIT_KEY")


# Seals the audit chain (HMAC-SHA256); kept outside the database. The keys it replaced stay
# readable for verification in DUDAO_AUDIT_OLD_KEYS (comma-separated). Development derives one.
DUDAO_AUDIT_KEY = env.str("DUDAO_AUDIT_KEY", default="")
DUDAO_AUDIT_OLD_KEYS = env.list("DUDAO_AUDIT_OLD_KEYS", default=[])

if not DEBUG:
    for reason in (weak_secret_key(SECRET_KEY), weak_audit_key(DUDAO_AUDIT_KEY, SECRET_KEY)):
        if reason:
            raise ImproperlyConfigured(
                f"{reason}. Refusing to run with DUDAO_DEBUG=0: generate one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(64))' and set it.")
ALLOWED_HOSTS = env.list("DUDAO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DUDAO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "dudao.core",
    "dudao.accounts",
    "dudao.audit",
    "dudao.jobs",
    "dudao.notifications",
    "dudao.organizations",
    "dudao.documents",
    "dudao.inspectors",
    "dudao.instruments",
    "dudao.inspections",
    "dudao.plans",
    "dudao.monitoring",
    "dudao.evaluations",
    "dudao.campaigns",
    "dudao.directives",
    "dudao.complaints",
    "dudao.surveys",
    "dudao.reports",
    "dudao.workreports",
    "dudao.assessment",
    "dudao.demo",
]

MIDDLEWARE = [
    "dudao.ops.metrics.MetricsMiddleware",  # first: times the whole stack
    "django.middleware.security.SecurityMiddleware",
    "dudao.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dudao.accounts.middleware.SessionIdleMiddleware",
    "dudao.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dudao.accounts.middleware.UserLanguageActivationMiddleware",
    "dudao.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dudao.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "dudao.urls"
WSGI_APPLICATION = "dudao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dudao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dudao.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dudao.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL: readers never wait for the writer. IMMEDIATE: a request's transaction takes the write
        # lock at its start and waits for it (up to DUDAO_SQLITE_TIMEOUT seconds), instead of failing
        # with "database is locked" when two requests upgrade at once. Uploads are read outside any
        # transaction, so no request holds the lock for longer than its writing.
        {"timeout": env.int("DUDAO_SQLITE_TIMEOUT", default=30), "transaction_mode": "IMMEDIATE",
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # a server that cannot be reached fails a request (and the health check) within seconds
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DUDAO_DB_CONNECT_TIMEOUT", default=5))
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# A streaming replica of the primary for reads marked ``use_replica()`` (dudao.core.replica): read-only
# pages and exports. Used while its lag is at most DUDAO_REPLICA_MAX_LAG seconds (checked at most every
# DUDAO_REPLICA_CHECK_SECONDS per process), the primary otherwise.
DUDAO_REPLICA_URL = env.str("DUDAO_REPLICA_URL", default="")
DUDAO_REPLICA_MAX_LAG = env.float("DUDAO_REPLICA_MAX_LAG", default=30.0)
DUDAO_REPLICA_CHECK_SECONDS = env.float("DUDAO_REPLICA_CHECK_SECONDS", default=5.0)
if DUDAO_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DUDAO_REPLICA_URL)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DUDAO_DB_CONNECT_TIMEOUT", default=5))
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False  # it is only read, and only inside use_replica()
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dudao.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# widgets render with the site's templates too (dudao/templates/core/widgets/)
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["dudao.accounts.backends.RoleBackend"]
# the passwords people choose (not those an office or an administrator sets: those must be changed
# at the first sign-in): at least 8 characters of at least 3 kinds (upper case, lower case, digits, symbols)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("DUDAO_PASSWORD_MIN_LENGTH", default=8)}},
    {"NAME": "dudao.accounts.validators.CharacterKindsValidator",
     "OPTIONS": {"min_kinds": env.int("DUDAO_PASSWORD_MIN_KINDS", default=3)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# sign-in failures (``accounts.lockout``): wrong passwords in a row before an account is locked, the
# minutes of the lock, and the wrong passwords (any usernames) after which a client address is
# refused for the rest of such a period
DUDAO_LOGIN_FAILURES_ALLOWED = env.int("DUDAO_LOGIN_FAILURES_ALLOWED", default=5)
DUDAO_LOGIN_LOCKOUT_MINUTES = env.int("DUDAO_LOGIN_LOCKOUT_MINUTES", default=30)
DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED = env.int("DUDAO_LOGIN_CLIENT_FAILURES_ALLOWED", default=20)
# a signed-in browser without activity for this many minutes is signed out (the session cookie and
# the stored session expire together; activity moves both, at most once a minute)
DUDAO_SESSION_IDLE_MINUTES = env.int("DUDAO_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = DUDAO_SESSION_IDLE_MINUTES * 60
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# Chinese first: zh-hans unless the user saved another choice or the browser asks for English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "dudao" / "locale"]
TIME_ZONE = env.str("DUDAO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DUDAO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "dudao" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DUDAO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Stored files (evidence, photos, documents, job results): a folder (several app servers: a shared
# one) or, with DUDAO_MEDIA_STORAGE=s3, a bucket of an S3-compatible object store (MinIO, Ceph, OSS,
# OBS): private objects, never overwritten, always served through the app's checked downloads.
DUDAO_MEDIA_STORAGE = env.str("DUDAO_MEDIA_STORAGE", default="filesystem")
if DUDAO_MEDIA_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured("DUDAO_MEDIA_STORAGE must be filesystem or s3")
DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if DUDAO_MEDIA_STORAGE == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("DUDAO_S3_BUCKET"),
            "endpoint_url": env.str("DUDAO_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("DUDAO_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("DUDAO_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("DUDAO_S3_REGION", default="") or None,
            "addressing_style": env.str("DUDAO_S3_ADDRESSING_STYLE", default="path"),
            "location": env.str("DUDAO_S3_PREFIX", default=""),
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,  # an address, if one is ever made, is signed and expires
            "verify": env.str("DUDAO_S3_CA_BUNDLE", default="") or None,  # a private CA's certificates
        },
    }
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dudao.accounts.authentication.TokenAuthentication",  # 403 until an office-set password is changed
        "dudao.accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["dudao.core.permissions.ModelPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "dudao.core.permissions.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "dudao.core.api.AutoSchema",
    "EXCEPTION_HANDLER": "dudao.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dudao 教育督导信息管理平台 API",
    "DESCRIPTION": "REST API of Dudao. Authenticate with POST /api/v1/auth/token/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # choice sets that share a field name get their own schema names
    "ENUM_NAME_OVERRIDES": {
        "SurveyGroupEnum": "dudao.surveys.models.Survey.Group",
        "ComplaintRatingEnum": "dudao.complaints.models.Complaint.Rating",
        "LessonRatingEnum": "dudao.inspections.models.LessonObservation.Rating",
        "EvaluationKindEnum": "dudao.evaluations.models.Evaluation.Kind",
        "EvaluationStatusEnum": "dudao.evaluations.models.Evaluation.Status",
        "EvaluationUnitStatusEnum": "dudao.evaluations.models.Unit.Status",
        "EvaluationRatingStatusEnum": "dudao.evaluations.models.Rating.Status",
        "RaterGroupKindEnum": "dudao.evaluations.models.RaterGroup.Kind",
        "SchoolKindEnum": "dudao.organizations.models.School.Kind",
        "CalendarDayKindEnum": "dudao.organizations.models.CalendarDay.Kind",
        "InspectorKindEnum": "dudao.inspectors.models.Inspector.Kind",
        "VisitKindEnum": "dudao.inspections.models.Visit.Kind",
        "InstrumentKindEnum": "dudao.instruments.models.Instrument.Kind",
        "EscalationKindEnum": "dudao.inspections.models.Escalation.Kind",
        "TaskKindEnum": "dudao.plans.models.Task.Kind",
        "WorkPlanStatusEnum": "dudao.plans.models.WorkPlan.Status",
        "TaskStatusEnum": "dudao.plans.models.Task.Status",
        "VisitStatusEnum": "dudao.inspections.models.Visit.Status",
        "RectificationStatusEnum": "dudao.inspections.models.Rectification.Status",
        "InspectorStatusEnum": "dudao.inspectors.models.Inspector.Status",
        "VersionStatusEnum": "dudao.instruments.models.InstrumentVersion.Status",
        "TrainingRecordKindEnum": "dudao.inspectors.models.TrainingRecord.Kind",
        "CaseStatusEnum": "dudao.inspectors.models.Case.Status",
        "AssessmentRatingRoleEnum": "dudao.assessment.models.AssessmentRating.Role",
    "CampaignTargetStatusEnum": "dudao.campaigns.models.CampaignTarget.Status",
    "DirectiveStatusEnum": "dudao.directives.models.Directive.Status",
    "DirectiveItemStatusEnum": "dudao.directives.models.DirectiveItem.Status",
    },
}

TASKS = {
    "default": {
        "BACKEND": env.str("DUDAO_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# The office's ratios (STANDARDS §0); an office may override them on its own row.
DUDAO_DEFAULT_SCHOOLS_PER_INSPECTOR = 5
DUDAO_DEFAULT_SCHOOLS_PER_ZONE = 20
# how far (metres) from the school's coordinates a visit's check-in still counts as at the school
DUDAO_DEFAULT_CHECKIN_RADIUS_M = 500
DUDAO_IMPORT_JOB_THRESHOLD = env.int("DUDAO_IMPORT_JOB_THRESHOLD", default=500)
# what an uploaded workbook or Word document may be, checked before anything reads it (docs/imports.md)
DUDAO_UPLOAD_LIMITS = {
    "file_mb": env.int("DUDAO_UPLOAD_MAX_MB", default=20),
    "unpacked_mb": env.int("DUDAO_UPLOAD_MAX_UNPACKED_MB", default=50),
    "ratio": env.int("DUDAO_UPLOAD_MAX_RATIO", default=100),
    "rows": env.int("DUDAO_UPLOAD_MAX_ROWS", default=100_000),
    "cells": env.int("DUDAO_UPLOAD_MAX_CELLS", default=2_000_000),
    "text": env.int("DUDAO_UPLOAD_MAX_CELL_CHARS", default=32_767),
}
DUDAO_EXPORT_JOB_THRESHOLD = env.int("DUDAO_EXPORT_JOB_THRESHOLD", default=5000)
# a filter over schools or inspectors lists them in a drop-down up to this many, past it a search box
DUDAO_PICKER_THRESHOLD = env.int("DUDAO_PICKER_THRESHOLD", default=200)
# lists count their rows up to this many, past it they say "10 000+" (dudao.core.paging)
DUDAO_LIST_COUNT_CAP = env.int("DUDAO_LIST_COUNT_CAP", default=10_000)
# LibreOffice for PDFs of .docx documents; found on PATH when empty
DUDAO_SOFFICE = env.str("DUDAO_SOFFICE", default="")
# LibreOffice conversions a process runs at once (a batch of documents); 0 = one per core
DUDAO_PDF_WORKERS = env.int("DUDAO_PDF_WORKERS", default=0)
# the SMTP server the e-mail channel sends through (docs/notifications.md)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=5)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dudao@localhost")
# the address the signboard QR codes point at (the public school pages); empty: this site's own
DUDAO_PUBLIC_BASE_URL = env.str("DUDAO_PUBLIC_BASE_URL", default="")
# signs the links printed on signboards; set it so that a new SECRET_KEY leaves printed boards valid
DUDAO_PUBLIC_LINK_KEY = env.str("DUDAO_PUBLIC_LINK_KEY", default="")
# the public channel: proxies in front of the site (0: never trust X-Forwarded-For), the complaint
# form's and the follow-up page's limits per client (hits, seconds), the largest photo accepted
DUDAO_TRUSTED_PROXY_COUNT = env.int("DUDAO_TRUSTED_PROXY_COUNT", default=0)
DUDAO_COMPLAINT_RATE_LIMIT = (env.int("DUDAO_COMPLAINT_RATE_LIMIT", default=5), 3600)
DUDAO_COMPLAINT_TRACK_LIMIT = (env.int("DUDAO_COMPLAINT_TRACK_LIMIT", default=30), 3600)
DUDAO_COMPLAINT_PHOTO_MAX_BYTES = env.int("DUDAO_COMPLAINT_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)

# /health/ (dudao.ops.health): the limits past which it answers 503 naming the failing check
DUDAO_HEALTH_DB_TIMEOUT_MS = env.int("DUDAO_HEALTH_DB_TIMEOUT_MS", default=2000)
DUDAO_HEALTH_MAX_REPLICA_LAG = env.float("DUDAO_HEALTH_MAX_REPLICA_LAG", default=DUDAO_REPLICA_MAX_LAG)
DUDAO_HEALTH_MAX_QUEUE_AGE = env.int("DUDAO_HEALTH_MAX_QUEUE_AGE", default=900)
DUDAO_HEALTH_MAX_QUEUE_LENGTH = env.int("DUDAO_HEALTH_MAX_QUEUE_LENGTH", default=1000)
DUDAO_HEALTH_MIN_FREE_MB = env.int("DUDAO_HEALTH_MIN_FREE_MB", default=1024)
# /metrics (dudao.ops.metrics): off (404) unless a bearer token or client addresses are set
DUDAO_METRICS_TOKEN = env.str("DUDAO_METRICS_TOKEN", default="")
DUDAO_METRICS_ALLOW = env.list("DUDAO_METRICS_ALLOW", default=[])

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# sources added to the Content-Security-Policy ("img-src https://maps.example; report-uri /csp/"), and
# whether browsers only report what it would block instead of blocking it
DUDAO_CSP = env.str("DUDAO_CSP", default="")
DUDAO_CSP_REPORT_ONLY = env.bool("DUDAO_CSP_REPORT_ONLY", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DUDAO_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # the load balancer and the scraper ask the app servers directly, over plain HTTP
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DUDAO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DUDAO_LOG_LEVEL", default="WARNING")},
}

DUDAO_SITE_NAME = _("Dudao education supervision platform")
FILTERS_EMPTY_CHOICE_LABEL = _("All")
