"""Scheduled enrollment jobs (settings' admin block schedules them). Tasks only call services."""

from django.core.cache import cache

from core.tasks import project_task
from enrollments import reports, services


@project_task(name="enrollments.tasks.recurrent_reminders_send")
def recurrent_reminders_send() -> int:
    return services.recurrent_reminders_send()


@project_task(name="enrollments.tasks.also_took_refresh_task")
def also_took_refresh_task() -> int:
    """The course pages' "students also took" table, when a page found it missing."""
    try:
        return len(reports.also_took_refresh())
    finally:
        cache.delete(reports.ALSO_TOOK_REFRESH_QUEUED_KEY)
