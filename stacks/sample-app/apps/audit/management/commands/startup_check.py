"""Refuses a deployment whose configuration is unsafe.

Critical problems exit non-zero so the release phase stops before the web
service changes. On a demonstration instance (DEMO_MODE=true or --warn-only)
the same problems are printed as warnings and the command succeeds.
"""
import base64
import binascii
import os

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand, CommandError

MIN_SECRET_KEY_LENGTH = 50
# Every placeholder in config/settings/build.py carries this text (that module is not imported here:
# importing it would overwrite the real environment with its placeholders).
BUILD_ONLY_MARKER = "build-only"


def _is_build_only_fernet_key(key):
    try:
        return BUILD_ONLY_MARKER.encode() in base64.urlsafe_b64decode(key)
    except (binascii.Error, ValueError):
        return False


def critical_problems():
    """Every critical misconfiguration, each naming the setting to fix."""
    problems = []
    if os.environ.get("DJANGO_SETTINGS_MODULE") == "config.settings.build":
        problems.append("DJANGO_SETTINGS_MODULE is config.settings.build, which is for collectstatic only")
    if settings.DEBUG:
        problems.append("DEBUG is on: it leaks settings and tracebacks to visitors")
    secret_key = settings.SECRET_KEY or ""
    if not secret_key:
        problems.append("SECRET_KEY is missing")
    elif BUILD_ONLY_MARKER in secret_key or secret_key.startswith("django-insecure"):
        problems.append("SECRET_KEY is a placeholder, not a generated secret")
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        problems.append(f"SECRET_KEY is weak: use at least {MIN_SECRET_KEY_LENGTH} random characters")
    encryption_key = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if not encryption_key:
        problems.append("FIELD_ENCRYPTION_KEY is missing")
    elif _is_build_only_fernet_key(encryption_key):
        problems.append("FIELD_ENCRYPTION_KEY is the build-only placeholder")
    else:
        try:
            Fernet(encryption_key)
        except ValueError:
            problems.append("FIELD_ENCRYPTION_KEY is not a valid Fernet key")
    if not settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    elif "*" in settings.ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS contains '*': any Host header is accepted")
    if not settings.SESSION_COOKIE_SECURE:
        problems.append("SESSION_COOKIE_SECURE is off: session cookies travel over plain HTTP")
    if not settings.CSRF_COOKIE_SECURE:
        problems.append("CSRF_COOKIE_SECURE is off: CSRF cookies travel over plain HTTP")
    insecure_origins = [origin for origin in settings.CSRF_TRUSTED_ORIGINS if not origin.startswith("https://")]
    if insecure_origins:
        problems.append(f"CSRF_TRUSTED_ORIGINS has non-https origins: {insecure_origins}")
    problems.extend(_database_problems())
    return problems


def _database_problems():
    databases = settings.DATABASES
    if "audit" not in databases:
        return ["DATABASES has no 'audit' entry: set AUDIT_DATABASE_URL"]
    app, audit = databases["default"], databases["audit"]

    def location(db):
        return (db.get("HOST"), str(db.get("PORT")), db.get("NAME"))

    problems = []
    if location(app) == location(audit):
        problems.append("DATABASE_URL and AUDIT_DATABASE_URL point at the same database")
    for alias, db in databases.items():
        if not db.get("OPTIONS", {}).get("connect_timeout"):
            problems.append(f"DATABASES[{alias!r}] has no connect_timeout")
    if "config.db_router.AuditRouter" not in settings.DATABASE_ROUTERS:
        problems.append("DATABASE_ROUTERS does not route the audit app to the audit database")
    return problems


def deployment_check_messages():
    """Django's own `check --deploy` findings, split into (errors, warnings)."""
    messages = checks.run_checks(include_deployment_checks=True)
    errors = [str(m) for m in messages if m.level >= checks.ERROR and not m.is_silenced()]
    warnings = [str(m) for m in messages if checks.WARNING <= m.level < checks.ERROR and not m.is_silenced()]
    return errors, warnings


class Command(BaseCommand):
    help = "Fail (non-zero exit) on critical security misconfiguration; warn only in demo mode."
    # This command runs the checks itself and reports them in its own terms.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--warn-only",
            action="store_true",
            help="Report critical problems as warnings and exit 0 (implied by DEMO_MODE=true).",
        )

    def handle(self, *args, warn_only, **options):
        warn_only = warn_only or settings.DEMO_MODE
        errors, warnings = deployment_check_messages()
        critical = critical_problems() + errors
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"startup_check: warning: {warning}"))
        if not critical:
            self.stdout.write(self.style.SUCCESS("startup_check: no critical problems"))
            return
        label = "WARNING (demo mode, not blocking)" if warn_only else "CRITICAL"
        for problem in critical:
            self.stderr.write(self.style.ERROR(f"startup_check: {label}: {problem}"))
        if not warn_only:
            raise CommandError(f"startup_check: {len(critical)} critical problem(s); refusing to start.")
