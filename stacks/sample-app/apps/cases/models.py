from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.cases.fields import EncryptedTextField


class Program(models.Model):
    """A service the agency runs; seeded, so its slug is the stable identity."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    def __str__(self):
        return self.name


class OutcomeMetric(models.Model):
    """Something a program measures for each participant, e.g. "Stable housing at 90 days"."""

    slug = models.SlugField(unique=True)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(_("name"), max_length=200)

    def __str__(self):
        return self.name


class Participant(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="participants")
    display_name = models.CharField(_("display name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.display_name


class CaseNote(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.participant} @ {self.created_at:%Y-%m-%d}"
