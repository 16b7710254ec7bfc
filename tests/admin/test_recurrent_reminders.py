"""Part 107 recurrent training: reminders 60 and 30 days before the 24-month deadline, once each."""

from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from courses.models import Course
from enrollments import services, tasks


@pytest.mark.parametrize(
    ("certified", "deadline"),
    [
        (date(2024, 3, 15), date(2026, 3, 31)),
        (date(2024, 12, 1), date(2026, 12, 31)),
        (date(2024, 2, 29), date(2026, 2, 28)),
    ],
)
def test_deadline_is_the_end_of_the_24th_calendar_month(certified, deadline):
    assert services.recurrent_deadline(certified) == deadline


@pytest.fixture
def recurrent(make_course):
    return make_course("Part 107 Recurrent Training", slug="part-107-recurrent")


def test_reminders_at_60_and_30_days_once_each(
    make_student, recurrent, make_course, django_capture_on_commit_callbacks
):
    make_course("Drone Basics", slug="drone-basics")
    pilot = make_student("Pat Pilot")
    pilot.remote_pilot_certificate_date = date(2024, 3, 15)  # deadline March 31, 2026
    pilot.save()
    never = make_student("No Date")
    assert never.remote_pilot_certificate_date is None

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return services.recurrent_reminders_send(today=today)

    assert run(date(2026, 1, 29)) == 0  # 61 days before
    assert run(date(2026, 1, 30)) == 1  # 60 days before
    run(date(2026, 1, 31))  # the catch-up window again: the idempotency key stops a second email
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert first.to == [pilot.email]
    assert first.subject == "Part 107 recurrent training is due by March 31, 2026"
    assert "in 60 days" in first.body
    assert f"{settings.SITE_URL}/courses/part-107-recurrent/" in first.body
    assert "/accounts/me/" in first.body

    run(date(2026, 3, 1))  # 30 days before
    assert len(mail.outbox) == 2 and "in 30 days" in mail.outbox[1].body
    run(date(2026, 3, 2))
    assert len(mail.outbox) == 2

    # A newer certificate date is a new deadline, with its own reminders.
    pilot.remote_pilot_certificate_date = date(2026, 3, 10)  # deadline March 31, 2028
    pilot.save()
    run(date(2028, 1, 31))
    assert len(mail.outbox) == 3 and "March 31, 2028" in mail.outbox[2].subject


def test_without_a_recurrent_course_the_email_points_at_the_catalog(make_student, django_capture_on_commit_callbacks):
    pilot = make_student()
    pilot.remote_pilot_certificate_date = date(2024, 3, 15)
    pilot.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.recurrent_reminders_send(today=date(2026, 3, 1))
    assert "/courses/?q=recurrent" in mail.outbox[0].body


def test_unpublished_recurrent_course_is_not_linked(make_student, recurrent, django_capture_on_commit_callbacks):
    Course.objects.filter(pk=recurrent.pk).update(status=Course.Status.DRAFT)
    assert services.recurrent_course() is None


def test_daily_task_is_scheduled_and_calls_the_service(make_student, django_capture_on_commit_callbacks):
    entry = settings.CELERY_BEAT_SCHEDULE["enrollments-recurrent-reminders"]
    assert entry["task"] == tasks.recurrent_reminders_send.name
    assert tasks.recurrent_reminders_send.delay().get() == 0
