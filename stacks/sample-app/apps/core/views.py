import logging

from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from apps.cases.models import Program

logger = logging.getLogger(__name__)

# Readiness means both databases answer: without the audit database the app must not take traffic.
READINESS_DATABASES = ("default", "audit")


@never_cache
def liveness(request):
    """The process is up and serving; deliberately touches no database, so an outage never restarts it."""
    return JsonResponse({"status": "ok"})


@never_cache
def readiness(request):
    """200 when every database answers SELECT 1, else 503 naming the ones that failed."""
    failed = []
    for alias in READINESS_DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as error:
            logger.warning("readiness: database %r unavailable: %s", alias, error)
            failed.append(alias)
            # A broken persistent connection must not be reused by the next probe.
            connections[alias].close()
    if failed:
        return JsonResponse({"status": "unavailable", "databases": failed}, status=503)
    return JsonResponse({"status": "ok", "databases": list(READINESS_DATABASES)})


def home(request):
    programs = Program.objects.filter(is_active=True).order_by("name")
    return render(request, "core/home.html", {"programs": programs})
