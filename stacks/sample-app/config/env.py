"""Reading settings from the environment.

Required values fail at import time with the variable's name, so a missing
secret stops the process before it serves a request instead of surfacing as a
confusing error later. Optional values have explicit, safe defaults.
"""
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def require_env(name):
    """The value of environment variable ``name``; ImproperlyConfigured naming it when unset or blank."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required and is not set.")
    return value


def env_bool(name, default):
    """A boolean variable; anything but a recognised spelling is an error rather than a silent False."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be true or false, got {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer, got {raw!r}.") from None


def env_list(name, default=()):
    """A comma-separated variable as a list, blanks dropped."""
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items if items else list(default)


def require_env_list(name):
    items = env_list(name)
    if not items:
        raise ImproperlyConfigured(f"Environment variable {name} is required and is not set.")
    return items
