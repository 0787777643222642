from cryptography.fernet import InvalidToken, MultiFernet, Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def note_cipher():
    """The current key encrypts; fallback keys still decrypt notes written before a rotation."""
    keys = [settings.FIELD_ENCRYPTION_KEY, *settings.FIELD_ENCRYPTION_KEY_FALLBACKS]
    return MultiFernet([Fernet(key) for key in keys])


class EncryptedTextField(models.TextField):
    """Text stored encrypted with FIELD_ENCRYPTION_KEY, so a database dump does not expose case notes."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return note_cipher().encrypt(value.encode("utf-8")).decode("ascii")

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            return note_cipher().decrypt(value.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ImproperlyConfigured(
                "A case note could not be decrypted: FIELD_ENCRYPTION_KEY (or FIELD_ENCRYPTION_KEY_FALLBACKS) "
                "does not hold the key it was written with."
            ) from None
