"""Periodic safety nets for the money path (scheduled in settings' payments block). Tasks only
call services."""

from celery import shared_task

from payments import services


@shared_task
def stripe_events_retry() -> int:
    return services.stripe_events_retry_failed()


@shared_task
def payments_reconcile() -> int:
    return services.payments_reconcile_open() + services.checkouts_abandoned_release()
