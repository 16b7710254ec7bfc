"""Liveness and readiness for the platform's health checks and uptime monitors."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
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


def _check_queue_backlog() -> None:
    """Tasks waiting in the broker: a growing backlog means the worker is down or overwhelmed."""
    if not settings.REDIS_URL:
        return  # eager mode: there is no queue
    import redis

    waiting = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1).llen("celery")
    if waiting > settings.READYZ_MAX_QUEUE_BACKLOG:
        raise RuntimeError(f"{waiting} tasks waiting (limit {settings.READYZ_MAX_QUEUE_BACKLOG})")


def _check_stripe_events() -> None:
    """The oldest Stripe event stored but not processed: money is waiting when this grows."""
    from payments.models import StripeEvent

    oldest = StripeEvent.objects.filter(processed_at__isnull=True).order_by("received_at").first()
    if oldest is None:
        return
    age = (timezone.now() - oldest.received_at).total_seconds()
    if age > settings.READYZ_MAX_STRIPE_EVENT_AGE_SECONDS:
        raise RuntimeError(f"Stripe event {oldest.stripe_event_id} unprocessed for {int(age)} s")


READINESS_CHECKS = {
    "database": _check_database,
    "cache": _check_cache,
    "storage": _check_storage,
    "queue": _check_queue_backlog,
    "stripe_events": _check_stripe_events,
}


@never_cache
def readyz(request):
    """Every dependency a request needs answers; 503 naming the failing ones when not."""
    results = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = (
                f"failing: {error}" if isinstance(error, RuntimeError) else f"failing: {type(error).__name__}"
            )
        else:
            results[name] = "ok"
    ready = all(status == "ok" for status in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503)
