from celery import shared_task

from flights import services


@shared_task
def flight_reminders_send() -> int:
    """Beat runs this every 15 minutes (CELERY_BEAT_SCHEDULE in bds/settings.py)."""
    return services.flight_reminders_send()
