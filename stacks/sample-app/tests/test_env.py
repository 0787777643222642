import os
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from config.env import env_bool, require_env


class RequireEnvTests(SimpleTestCase):
    def test_missing_variable_is_named_in_the_error(self):
        with mock.patch.dict(os.environ, {}, clear=True):
            with self.assertRaisesMessage(ImproperlyConfigured, "AUDIT_DATABASE_URL"):
                require_env("AUDIT_DATABASE_URL")

    def test_blank_variable_counts_as_missing(self):
        with mock.patch.dict(os.environ, {"SECRET_KEY": "  "}):
            with self.assertRaisesMessage(ImproperlyConfigured, "SECRET_KEY"):
                require_env("SECRET_KEY")

    def test_unrecognised_boolean_is_an_error_not_false(self):
        with mock.patch.dict(os.environ, {"DEBUG": "ture"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "DEBUG"):
                env_bool("DEBUG", False)
