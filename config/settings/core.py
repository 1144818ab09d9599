"""Sotong's core settings: Django, Wagtail, the two shapes (embedded and scaled), security and logging.
Everything comes from the environment; the defaults are the embedded shape."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    DEVELOPMENT_SECRET_KEYS,
    database_from_env,
    derive_development_key,
    env_bool,
    env_int,
    env_list,
    redis_url_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE_DIR = BASE_DIR / "sotong"

DATA_DIR = Path(os.environ.get("SOTONG_DATA_DIR") or Path.cwd() / "var").resolve()

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=0 Sotong needs a secret key of at least 50 random characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    if (
        SECRET_KEY in DEVELOPMENT_SECRET_KEYS
        or SECRET_KEY.startswith("django-insecure")
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is a development or weak key. With DEBUG=0 set a random key of at least 50 characters."
        )
elif not SECRET_KEY:
    SECRET_KEY = "sotong-development-key-not-for-production-use-0123456789abcdef"  # noqa: S105 - DEBUG only

# Personal data (residents' phone numbers, e-mail addresses) is encrypted with these Fernet keys.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. With DEBUG=0 Sotong needs a key to encrypt residents' contact "
            "details (python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
        )
    FIELD_ENCRYPTION_KEYS = [derive_development_key(SECRET_KEY)]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # Ours first, so our templates override Wagtail's where we choose to.
    "sotong.core",
    "sotong.accounts",
    "sotong.organisation",
    "sotong.connectors",
    "sotong.voice",
    "sotong.safety",
    "sotong.tv",
    "sotong.petitions",
    "sotong.pages",
    "sotong.site",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Django and the rest of the stack
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    # Kakao and Naver sign-in, used only to verify a resident's identity for 열린구청장실 (decision 0082).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
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
    "sotong.core.middleware.ContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Axes last: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "sotong.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(data_dir=DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Sign-in lockout (django-axes): five failures for one account from one address lock it there for 15
# minutes; ten from any addresses lock the account itself until an administrator unlocks it or 15 minutes
# pass without a failure (sotong.accounts.lockout, decision 0068).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
SIGN_IN_FAILURE_LIMIT_PER_USERNAME = env_int("SIGN_IN_FAILURE_LIMIT_PER_USERNAME", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "sotong.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sotong.accounts.lockout.lockout_response"
AXES_VERBOSE = False

# Internationalisation: Korean first, English and Simplified Chinese for residents.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English"), ("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or DATA_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders when nothing was collected (embedded shape, tests).
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", default=DEBUG)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Redis switches the whole process to the scaled shape: cache, channel layer and task queue.
REDIS_URL = redis_url_from_env()

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sotong",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 gives connections a 5 s socket timeout, the same as channels_redis's
                # blocking receive, which then drops idle websockets (django/channels_redis#422).
                "hosts": [{"address": REDIS_URL, "socket_timeout": 10}],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "sotong"),
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600},
        "urgent": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 120},
    }
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend",
            "QUEUES": ["default", "urgent"],
        }
    }
    INSTALLED_APPS.append("django_rq")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sotong",
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "urgent"],
        }
    }

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Wagtail. The back office's name, on its sign-in page, title bar, sidebar and dashboard (decision 0069).
WAGTAIL_SITE_NAME = os.environ.get("SOTONG_SITE_NAME", "").strip() or "영등포구 소통 관리"
WAGTAILADMIN_USER_LOGIN_FORM = "sotong.accounts.forms.StaffLoginForm"
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "hwp",
    "hwpx",
    "key",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_USER_EDIT_FORM = "sotong.accounts.forms.StaffUserEditForm"
WAGTAIL_USER_CREATION_FORM = "sotong.accounts.forms.StaffUserCreationForm"
WAGTAIL_USER_CUSTOM_FIELDS = ["display_name", "phone_extension"]

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER via PROXY_SSL_HEADER=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 9  # one working day
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send the token with its requests
if env_bool("PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Content Security Policy (django-csp 4). Resident pages get the strict policy; Wagtail's admin,
# which still uses inline scripts and styles, gets the admin policy (see core.middleware).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("http") else None
# Base tiles of the safety map (재난안전생활지도); the page stays usable without them.
SAFETY_TILE_URL = os.environ.get("SAFETY_TILE_URL", MAP_TILE_URL)
SAFETY_TILE_ATTRIBUTION = os.environ.get("SAFETY_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
_safety_tile_origin = "/".join(SAFETY_TILE_URL.split("/")[:3]) if SAFETY_TILE_URL.startswith("http") else None
_tile_origins = sorted({o for o in (_tile_origin, _safety_tile_origin) if o})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_tile_origins],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *_tile_origins],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# One line per record on stderr. `sotong demo` keeps each of its processes' output in var/log/ and shows the
# records at WARNING and above on the terminal: it reads the level from this format (sotong.site.supervisor).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Only through the root's handler: Django's own console handler (DEBUG only) wrote every record of
        # its loggers a second time, without time or level.
        "django": {"handlers": []},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # pyrtmp warns of every RTMP command it has no parser for (releaseStream, FCPublish: harmless).
        "pyrtmp": {"level": "ERROR"},
    },
}
