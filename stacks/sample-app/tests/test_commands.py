from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from apps.cases.models import OutcomeMetric, Program


class SeedTests(TestCase):
    def test_running_twice_creates_then_updates_the_same_rows(self):
        first, second = StringIO(), StringIO()
        call_command("seed", stdout=first)
        call_command("seed", stdout=second)
        self.assertIn("6 created, 0 updated", first.getvalue())
        self.assertIn("0 created, 6 updated", second.getvalue())
        self.assertEqual(Program.objects.count(), 3)
        self.assertEqual(OutcomeMetric.objects.count(), 3)


class StartupCheckTests(TestCase):
    databases = {"default", "audit"}

    def test_production_settings_pass(self):
        out = StringIO()
        call_command("startup_check", stdout=out, stderr=StringIO())
        self.assertIn("no critical problems", out.getvalue())

    @override_settings(DEBUG=True, ALLOWED_HOSTS=["*"])
    def test_debug_and_wildcard_hosts_block_the_release(self):
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("startup_check", stdout=StringIO(), stderr=err)
        self.assertIn("DEBUG is on", err.getvalue())
        self.assertIn("ALLOWED_HOSTS contains '*'", err.getvalue())

    @override_settings(SESSION_COOKIE_SECURE=False)
    def test_warn_only_reports_without_failing(self):
        err = StringIO()
        call_command("startup_check", "--warn-only", stdout=StringIO(), stderr=err)
        self.assertIn("demo mode, not blocking", err.getvalue())
