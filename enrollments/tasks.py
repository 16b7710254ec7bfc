"""Scheduled enrollment jobs (settings' admin block schedules them). Tasks only call services."""

from core.tasks import project_task
from enrollments import services


@project_task(name="enrollments.tasks.recurrent_reminders_send")
def recurrent_reminders_send() -> int:
    return services.recurrent_reminders_send()
