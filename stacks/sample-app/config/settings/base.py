"""Settings shared by every runtime configuration of the case-notes tracker.

Secrets and connection strings come only from the environment and have no
defaults: a missing one raises ImproperlyConfigured naming the variable.
"""
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, require_env, require_env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Required -----------------------------------------------------------------
SECRET_KEY = require_env("SECRET_KEY")
# Previous keys keep sessions and signed links valid during a SECRET_KEY rotation.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

FIELD_ENCRYPTION_KEY = require_env("FIELD_ENCRYPTION_KEY")
# Previous encryption keys still decrypt existing notes while they are re-encrypted.
FIELD_ENCRYPTION_KEY_FALLBACKS = env_list("FIELD_ENCRYPTION_KEY_FALLBACKS")
for _name, _key in [("FIELD_ENCRYPTION_KEY", FIELD_ENCRYPTION_KEY)] + [
    ("FIELD_ENCRYPTION_KEY_FALLBACKS", key) for key in FIELD_ENCRYPTION_KEY_FALLBACKS
]:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {_name} must be a Fernet key (32 random bytes, URL-safe base64)."
        ) from None

ALLOWED_HOSTS = require_env_list("ALLOWED_HOSTS")

# --- Optional, with safe defaults ---------------------------------------------
DEBUG = env_bool("DEBUG", False)
LOG_LEVEL = env_list("LOG_LEVEL", ["INFO"])[0].upper()
DB_CONNECT_TIMEOUT_SECONDS = env_int("DB_CONNECT_TIMEOUT_SECONDS", 5)
# Bounds a runaway query so a worker is freed before gunicorn's own timeout kills it.
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 30000)
DB_CONN_MAX_AGE_SECONDS = env_int("DB_CONN_MAX_AGE_SECONDS", 60)
# Set DEMO_MODE=true on demonstration instances: startup_check then warns instead of failing.
DEMO_MODE = env_bool("DEMO_MODE", False)

# --- Databases ----------------------------------------------------------------


def database_config(url):
    """One DATABASES entry from a URL, with timeouts and health-checked persistent connections."""
    config = dj_database_url.parse(url)
    config["CONN_MAX_AGE"] = DB_CONN_MAX_AGE_SECONDS
    # Re-checks a persistent connection before reuse, so a database restart costs a reconnect, not a 500.
    config["CONN_HEALTH_CHECKS"] = True
    options = config.setdefault("OPTIONS", {})
    # Values in the URL's query string (?connect_timeout=...) win over these defaults.
    options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT_SECONDS)
    options.setdefault("options", f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}")
    return config


DATABASES = {
    "default": database_config(require_env("DATABASE_URL")),
    "audit": database_config(require_env("AUDIT_DATABASE_URL")),
}
DATABASE_ROUTERS = ["config.db_router.AuditRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Application --------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "apps.core",
    "apps.cases",
    "apps.audit",
]

MIDDLEWARE = [
    # First: probes are answered before host validation and the HTTPS redirect (see the class).
    "apps.core.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files (collected at build time, served by WhiteNoise) -------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Cookies and headers that hold with or without TLS ------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Logging: stdout only; the container runtime collects and rotates it ------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
