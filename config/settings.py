"""Django settings for Zhongjian, read from environment variables only (docs/configuration.md)."""

import hashlib
import importlib.util
import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, secret_from_env_or_file

BASE_DIR = Path(__file__).resolve().parent.parent
# Django Ninja's own templates and static files (Swagger UI of the API docs page), listed below
# as directories rather than installing ninja as an app: every installed app is imported when a
# process starts, and ninja brings pydantic, 12 MB that an import job or a command never uses.
# find_spec locates the package without importing it.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent  # type: ignore[union-attr, arg-type]
VAR_DIR = Path(env_str("ZHONGJIAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_from_env_or_file("SECRET_KEY", VAR_DIR / "secret_key")
# Key for fields encrypted at rest (ID numbers, counseling notes); separate from SECRET_KEY so that
# rotating sessions does not lose data.
FIELD_ENCRYPTION_KEY = secret_from_env_or_file("FIELD_ENCRYPTION_KEY", VAR_DIR / "field_key")
# Counseling (心理疏导) text has a key of its own (docs/care.md): rotated with
# `zhongjian care_rotate_key`, old keys kept in CARE_PREVIOUS_KEYS until the rotation has run.
CARE_KEY = secret_from_env_or_file("CARE_KEY", VAR_DIR / "care_key")
CARE_PREVIOUS_KEYS = env_list("CARE_PREVIOUS_KEYS", [])
CARE_K = env_int("CARE_K", 5, minimum=3)
CARE_RETENTION_DAYS = env_int("CARE_RETENTION_DAYS", 3 * 365, minimum=1)
CARE_FIRST_CONTACT_WORKING_DAYS = env_int("CARE_FIRST_CONTACT_WORKING_DAYS", 3, minimum=1)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "huey.contrib.djhuey",
    "zhongjian.core",
    "zhongjian.accounts",
    "zhongjian.org",
    "zhongjian.pipeline",
    "zhongjian.voice",
    "zhongjian.workload",
    "zhongjian.dataio",
    "zhongjian.insight",
    "zhongjian.care",
    "zhongjian.projection",
    "zhongjian.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zhongjian.core.middleware.RequestContextMiddleware",
    "zhongjian.core.middleware.PasswordChangeRequiredMiddleware",
    "zhongjian.core.middleware.DomainErrorMiddleware",
    "zhongjian.core.middleware.RejectNulMiddleware",
    "zhongjian.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhongjian" / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhongjian.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'zhongjian.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(env_str("DATABASE_URL", _default_db), conn_max_age=60)
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete zeroes deleted rows, so that a re-shuffle of the anonymous tables leaves no
        # old copy (with its old position) in free pages of the file (docs/privacy.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off (prepare_threshold None), and then a cursor
    # that asks to prepare a statement (the survey submission's, voice.services.answering) is
    # parsed and planned anew on every execution. A threshold no query reaches by repetition
    # turns preparing on only where asked: Django's own cursors bind on the client side, which
    # never prepares.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
    # Each checkout gets its own test database name so that several checkouts on one PostgreSQL
    # server do not drop each other's test databases.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str(
            "TEST_DATABASE_NAME",
            "test_zhongjian_" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8],
        )
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhongjian.accounts.validators.CharacterClassValidator"},
]
# Personal API tokens stop working this many days after they are made.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Lockout is per account, not per IP: a county office reaches the server through one NAT address,
# and one mistyped password must not lock out the whole building.
# models.W040: the covering index of active cadres (INCLUDE columns) is a PostgreSQL index-only
# scan; SQLite builds the same index without the extra columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]

# Idle timeout: the session expires after this many minutes without a request.
# Sessions live in a signed cookie, never in a table: a session row rewritten by an anonymous
# post or answer would name its user next to the anonymous row (docs/privacy.md). Every request
# re-signs the cookie with a fresh time stamp, and a cookie older than the idle time is refused.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

HTTPS = env_bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
# The interface is written in Simplified Chinese (the source strings are Chinese); offering a
# second language would let a browser set to English get Chinese text with English dates and
# Django's own messages in English.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "zhongjian" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Set STATIC_ROOT and run `zhongjian collectstatic` for a deployment behind nginx; unset, the
# app serves its static files from the source tree.
STATIC_ROOT = env_str("STATIC_ROOT") or None
STATICFILES_DIRS = [BASE_DIR / "zhongjian" / "static", NINJA_DIR / "static"]
# Static files are served by the app itself (WhiteNoise): the embedded default needs no web server.
WHITENOISE_USE_FINDERS = True

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# The cache, where rate limits and report caches live: per process by default, Redis (shared by
# every worker and host) when REDIS_URL is set (docs/configuration.md).
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # Entries under data stamps (the overview, the workload dashboard) and report cubes
            # outnumber Django's default of 300, which would cull live entries at random.
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}
# Addresses (or CIDR networks) of the reverse proxies in front of the app; only from them is
# X-Forwarded-For believed for the client address (audit rows, rate limits).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
try:
    _proxy_networks = [ipaddress.ip_network(item, strict=False) for item in TRUSTED_PROXIES]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES holds a bad address or network: {exc}") from exc

# On a Citus cluster (docs/operations.md): every join between two county tables also matches
# their county, so that Citus keeps it on one shard. Off on a single PostgreSQL or SQLite, where
# the redundant condition only misleads the planner's row estimates.
CITUS_COLOCATED_JOINS = env_bool("CITUS_COLOCATED_JOINS", default=False)

# Background jobs (Huey): SQLite storage under var/ for the embedded default, Redis when REDIS_URL
# is set. `make run` starts a consumer beside the web server; deployments run `zhongjian run_huey`.
HUEY = {
    "name": "zhongjian",
    "immediate": env_bool("HUEY_IMMEDIATE", default=False),
    "consumer": {"workers": env_int("HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}
    ),
}

# Spreadsheet imports (docs/import-export.md): the largest file, the most data rows, and how long
# a checked file waits for the clerk's confirmation before it is deleted.
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 20, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_KEEP_HOURS = env_int("IMPORT_KEEP_HOURS", 24, minimum=1)
# The longest a check or import may run before it is stopped and rolled back.
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 900, minimum=10)

# How often the anonymous survey tables are re-shuffled (docs/privacy.md: the window in which
# a response's physical position or transaction id still follows the order of submission).
VOICE_SHUFFLE_MINUTES = env_int("VOICE_SHUFFLE_MINUTES", 10, minimum=1)
# Survey codes looked up (valid or not) per client address and 10 minutes before a 429.
VOICE_CODE_LOOKUPS_PER_ADDRESS = env_int("VOICE_CODE_LOOKUPS_PER_ADDRESS", 300, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
