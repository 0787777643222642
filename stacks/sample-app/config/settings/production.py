"""Settings for a deployed instance: base settings plus HTTPS behind a TLS-terminating proxy."""
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, require_env_list

from .base import *  # noqa: F401,F403 - the settings module pattern: production extends base.

# Production never runs with DEBUG, whatever the environment says.
DEBUG = False

# Every public origin, with its scheme: Django 4+ rejects POSTs from origins not listed here.
CSRF_TRUSTED_ORIGINS = require_env_list("CSRF_TRUSTED_ORIGINS")
_insecure_origins = [origin for origin in CSRF_TRUSTED_ORIGINS if not origin.startswith("https://")]
if _insecure_origins:
    raise ImproperlyConfigured(
        f"Environment variable CSRF_TRUSTED_ORIGINS must list https:// origins only, got {_insecure_origins}."
    )

# TLS ends at the proxy, which sets X-Forwarded-Proto; the app port is never published directly.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Probes reach the container over plain HTTP; a redirect would read as a failed probe.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
