"""BUILD-ONLY settings: used by `collectstatic` during `docker build`, never at runtime.

The image build has no database and must not see real secrets, yet the shared
settings require both. The values below are public placeholders that exist only
so the settings import; startup_check fails if this module is ever the running
configuration, and nothing here connects anywhere.
"""
import base64
import os

BUILD_ONLY_ENVIRONMENT = {
    "SECRET_KEY": "build-only-placeholder-not-a-secret-used-for-collectstatic-only",
    # A syntactically valid Fernet key made of public text: it protects nothing.
    "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"build-only-placeholder-not-key!!").decode(),
    "DATABASE_URL": "postgres://build-only@build-only.invalid:5432/build-only",
    "AUDIT_DATABASE_URL": "postgres://build-only@build-only.invalid:5432/build-only-audit",
    "ALLOWED_HOSTS": "build-only.invalid",
}
os.environ.update(BUILD_ONLY_ENVIRONMENT)

from .base import *  # noqa: E402,F401,F403 - must follow the placeholders it reads.

# No database at build time: the dummy backend raises if anything tries to connect.
DATABASES = {}
DATABASE_ROUTERS = []
