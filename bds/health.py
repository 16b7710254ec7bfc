"""Liveness and readiness for the platform's health checks and uptime monitors."""

import logging
import uuid

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is alive and serving. No I/O, so a slow dependency never restarts the web."""
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def _check_storage() -> None:
    storages["private"].exists("readyz-probe")


READINESS_CHECKS = {"database": _check_database, "cache": _check_cache, "storage": _check_storage}


@never_cache
def readyz(request):
    """Every dependency a request needs answers; 503 naming the failing ones when not."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = f"failing: {type(error).__name__}"
        else:
            results[name] = "ok"
    ready = all(status == "ok" for status in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
