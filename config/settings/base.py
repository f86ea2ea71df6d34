"""Settings shared by every environment. Everything deployment-specific comes from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SANHAK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_count(name: str, default: int) -> int:
    """A whole number ≥ 0 from the environment; anything else stops the start with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(
            f"{name} must be a whole number of 0 or more, not {value!r} / {name}는 0 이상의 정수여야 합니다"
        )
    return int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "sanhak.common.apps.SanhakAdminConfig",  # django.contrib.admin with the program's own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "sanhak.common",
    "sanhak.accounts",
    "sanhak.companies",
    "sanhak.competencies",
    "sanhak.courses",
    "sanhak.enrollment",
    "sanhak.learning",
    "sanhak.labs",
    "sanhak.credentials",
    "sanhak.scheduling",
    "sanhak.demand",
    "sanhak.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sanhak.common.middleware.ContentSecurityPolicyMiddleware",
    "sanhak.api.errors.ApiErrorsAsJsonMiddleware",
    "sanhak.common.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sanhak.common.middleware.NavigationStateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanhak" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanhak.common.context_processors.navigation",
                "sanhak.common.pagecache.csrf_placeholder",
            ],
        },
    },
]


def database_config(url: str) -> dict[str, object]:
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers proceed while one writer writes; IMMEDIATE transactions take the
        # write lock up front, so two writers queue instead of dead-locking on lock upgrade.
        # Connections persist (CONN_MAX_AGE from the URL's default): opening one and running the
        # PRAGMAs below on every request would cost more than most pages' queries. Memory-mapped reads:
        # any write (a PIPA access-log row on every roster view) makes every other connection drop its
        # page cache, and re-reading the pages from the map costs far less than read() calls.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA mmap_size=1073741824;"
            ),
        }
    elif config["ENGINE"] == "django.db.backends.postgresql" and env_bool("SANHAK_PG_PREPARE", True):
        # Parameters bound by the server, and a query run a few times on a connection is prepared
        # (psycopg's prepare_threshold): PostgreSQL then plans it once per connection, not on every
        # run. Planning the joins of a page's short queries costs more than running them. Not for a
        # transaction-mode connection pooler (pgbouncer): set SANHAK_PG_PREPARE=false there.
        config["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 2}
    return config


DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sanhak.sqlite3'}")
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "sanhak.accounts.backends.UserBackend",
]
SESSION_ENGINE = "sanhak.accounts.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies of our own in front of the app (nginx, a load balancer): how many X-Forwarded-For
# entries to trust, from the right. The client's address goes into the PIPA access log and the throttle.
SANHAK_TRUSTED_PROXIES = env_count("SANHAK_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "sanhak.common.client_ip.client_ip"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["sanhak.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "sanhak" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# The PIPA access log's rows are appended to files here and moved into the table in batches, about once
# a second, by a thread of each process (sanhak/common/audit_spool.py). None: each row inserted at once.
# Every process of one deployment on one machine shares the folder (a subfolder per database inside);
# on several machines, each its own
# (`manage.py drain_access_log` moves what a stopped machine left).
ACCESS_LOG_SPOOL_DIR = os.environ.get("SANHAK_ACCESS_LOG_SPOOL", str(VAR_DIR / "access-log-spool")) or None
ACCESS_LOG_DRAIN_SECONDS = float(os.environ.get("SANHAK_ACCESS_LOG_DRAIN_SECONDS", "1"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sanhak <no-reply@sanhak.test>")

# The personal-data collection policy a user consents to at sign-up (PIPA).
PRIVACY_POLICY_VERSION = "2026-11-01"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every page (sanhak.common.middleware.ContentSecurityPolicyMiddleware): scripts
# only from this site's own files (no inline scripts or on* handlers anywhere: static/js does that work),
# so injected markup cannot run. Inline style attributes stay allowed (the templates' layout tweaks and
# htmx's indicator style); images may be data: URLs (the API docs' icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
