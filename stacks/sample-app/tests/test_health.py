from unittest import mock

from django.db import OperationalError
from django.test import TestCase


class HealthProbeTests(TestCase):
    databases = {"default", "audit"}

    def test_liveness_answers_over_http_with_any_host(self):
        response = self.client.get("/healthz/", HTTP_HOST="10.0.0.7:8000")
        self.assertEqual(response.status_code, 200)

    def test_readiness_checks_both_databases(self):
        response = self.client.get("/readyz/", HTTP_HOST="127.0.0.1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["databases"], ["default", "audit"])

    def test_readiness_is_503_when_the_audit_database_is_down(self):
        from django.db import connections

        audit = connections["audit"]
        with mock.patch.object(audit, "cursor", side_effect=OperationalError("down")):
            response = self.client.get("/readyz/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["databases"], ["audit"])

    def test_other_pages_still_redirect_to_https(self):
        response = self.client.get("/", HTTP_HOST="localhost")
        self.assertEqual(response.status_code, 301)
