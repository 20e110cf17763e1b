"""Django settings for jiceng, read from the environment.

``JICENG_ENV`` picks the profile: ``development`` (the default; demo and tests) or ``production``
(secure cookies, HTTPS, a secret key that must be given). ``DATABASE_URL`` selects PostgreSQL;
without it the embedded SQLite file in ``JICENG_DATA_DIR`` is used. Bad values stop start-up
with the variable's name (see ``jiceng.env``).
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from jiceng.env import (
    SettingError,
    env_bool,
    env_choice,
    env_fraction,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = env_choice("JICENG_ENV", default="development", choices=("development", "production"))
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(env_str("JICENG_DATA_DIR", str(BASE_DIR / "var"))).resolve()

# Demo mode: the generated county's demo users may skip two-factor sign-in (the login page says
# so). Never on in production.
DEMO_MODE = env_bool("JICENG_DEMO", default=not PRODUCTION)
if PRODUCTION and DEMO_MODE:
    raise SettingError("JICENG_DEMO=1 is not allowed with JICENG_ENV=production")

DEBUG = env_bool("JICENG_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise SettingError("JICENG_DEBUG=1 is not allowed with JICENG_ENV=production")


def _secret_key() -> str:
    key = env_str("JICENG_SECRET_KEY", "")
    if key:
        if len(key) < 50 or len(set(key)) < 5:
            raise SettingError("JICENG_SECRET_KEY must be at least 50 characters of random text")
        return key
    if PRODUCTION:
        raise SettingError("JICENG_SECRET_KEY is required with JICENG_ENV=production")
    # Development and demo: one random key per data directory, kept so sessions survive restarts.
    key_file = DATA_DIR / "secret-key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "JICENG_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise SettingError("JICENG_ALLOWED_HOSTS is required with JICENG_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("JICENG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "ninja",
    "simple_history",
    "jiceng",
    "accounts",
    "divisions",
    "institutions",
    "workforce",
    "residents",
    "immunization",
    "contracting",
    "programmes",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jiceng.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiceng.urls"
WSGI_APPLICATION = "jiceng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiceng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiceng.context_processors.site",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = env_str("DATABASE_URL", "")
    if url:
        if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise SettingError(
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite://"
            )
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except ValueError as error:
            raise SettingError(f"DATABASE_URL cannot be parsed: {error}") from None
        return {"default": dict(config)}
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "jiceng.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: writers queue for the lock at BEGIN instead of failing mid-way;
                # the audit chain and bookings rely on writes being serialised.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not memory: tests of concurrent writers need SQLite's real locking. One per
            # process, so parallel test runs on one machine do not share it.
            "TEST": {"NAME": Path(tempfile.gettempdir()) / f"jiceng-test-{os.getpid()}.sqlite3"},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account for 30 minutes after 5 failed sign-ins (IT-4).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking per account, not per address: a township centre's PCs share one NAT address, and one
# mistyped password must not lock out the whole centre.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sign out after 30 idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("JICENG_IDLE_TIMEOUT_SECONDS", default=30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "jiceng"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiceng" / "locale"]

# Policy packs (SUP-7): one TOML file per jurisdiction. A deployment may point this at its own
# copy to change parameters without touching code.
POLICY_PACKS_DIR = Path(
    env_str("JICENG_POLICY_PACKS_DIR", str(BASE_DIR / "supervision" / "packs"))
).resolve()
if not (POLICY_PACKS_DIR / "cn.toml").is_file():
    raise SettingError(
        f"JICENG_POLICY_PACKS_DIR={POLICY_PACKS_DIR} holds no policy packs (no cn.toml there)"
    )
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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
WHITENOISE_USE_FINDERS = not PRODUCTION

# Security headers. Everything is served from this host: county intranets are offline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("JICENG_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("JICENG_HSTS_SECONDS", default=31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Personal data never goes to stdout: only warnings from Django itself, no request lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
SITE_TITLE = _("jiceng primary healthcare platform")

# Master patient index (IT-1): pairs at or above this match probability merge without review.
MPI_AUTO_MERGE_THRESHOLD = env_fraction("JICENG_MPI_AUTO_MERGE", default=0.99)
