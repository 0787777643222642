"""Reference data every instance needs: programs and the outcome metrics they track.

Idempotent: each row is upserted by its slug, so running it after every
migration is safe, and a changed name here reaches existing instances. There is
no "already seeded, skip" guard: such guards hide a half-seeded database.
Every row is logged with what happened to it, and any failure exits non-zero
so the release phase can warn about it loudly.
"""
import logging

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.cases.models import OutcomeMetric, Program

logger = logging.getLogger(__name__)

PROGRAMS = [
    {"slug": "housing-support", "name": "Housing support"},
    {"slug": "employment", "name": "Employment services"},
    {"slug": "youth-mentoring", "name": "Youth mentoring"},
]

METRICS = [
    {"slug": "housed-90-days", "program": "housing-support", "name": "Stable housing at 90 days"},
    {"slug": "job-offer", "program": "employment", "name": "Job offer received"},
    {"slug": "mentor-matched", "program": "youth-mentoring", "name": "Matched with a mentor"},
]


class Command(BaseCommand):
    help = "Create or update the reference programs and outcome metrics (safe to run repeatedly)."

    def handle(self, *args, **options):
        counts = {"created": 0, "updated": 0}
        with transaction.atomic():
            programs = {}
            for row in PROGRAMS:
                program, created = Program.objects.update_or_create(
                    slug=row["slug"], defaults={"name": row["name"], "is_active": True}
                )
                programs[program.slug] = program
                self._log(counts, "program", program.slug, created)
            for row in METRICS:
                metric, created = OutcomeMetric.objects.update_or_create(
                    slug=row["slug"], defaults={"name": row["name"], "program": programs[row["program"]]}
                )
                self._log(counts, "metric", metric.slug, created)
        summary = f"seed: {counts['created']} created, {counts['updated']} updated"
        logger.info(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def _log(self, counts, kind, slug, created):
        outcome = "created" if created else "updated"
        counts[outcome] += 1
        logger.info("seed: %s %s %s", kind, slug, outcome)
