from django.test import SimpleTestCase

from apps.audit.models import AuditEvent
from apps.cases.models import Program
from config.db_router import AuditRouter


class AuditRouterTests(SimpleTestCase):
    router = AuditRouter()

    def test_audit_models_read_and_write_the_audit_database(self):
        self.assertEqual(self.router.db_for_read(AuditEvent), "audit")
        self.assertEqual(self.router.db_for_write(AuditEvent), "audit")

    def test_other_models_use_the_default_database(self):
        self.assertEqual(self.router.db_for_write(Program), "default")

    def test_only_the_audit_app_migrates_into_the_audit_database(self):
        self.assertTrue(self.router.allow_migrate("audit", "audit"))
        self.assertFalse(self.router.allow_migrate("default", "audit"))
        self.assertFalse(self.router.allow_migrate("audit", "cases"))
        self.assertFalse(self.router.allow_migrate("audit", "auth"))
