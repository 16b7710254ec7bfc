"""BulkMessage moved from enrollments to the back office and its bare flight-session id became a
foreign key: the rows stay in their table, links to sessions survive, ids of deleted sessions clear."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from backoffice.models import BulkMessage
from courses.models import Category, Course
from flights.models import FlightSession

BEFORE_THE_FOREIGN_KEY = [("backoffice", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_flight_session_id_becomes_a_foreign_key_keeping_the_rows(django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.com", password="x", full_name="Staff")
    course = Course.objects.create(
        title="C", slug="c", category=Category.objects.create(name="Cat", slug="cat"), price=0
    )
    now = timezone.now()
    session = FlightSession.objects.create(course=course, starts_at=now, ends_at=now + timedelta(hours=2), capacity=3)
    try:
        _migrate(BEFORE_THE_FOREIGN_KEY)
        with connection.cursor() as cursor:
            for audience, session_id in (("kept", session.pk), ("gone", session.pk + 1000)):
                cursor.execute(
                    "INSERT INTO enrollments_bulkmessage (audience, flight_session_id, subject, body, sent_count,"
                    " created_at, course_id, sender_id) VALUES (%s, %s, 's', 'b', 1, %s, %s, %s)",
                    [audience, session_id, now, course.pk, staff.pk],
                )
    finally:
        _migrate(_latest())

    messages = {message.audience: message for message in BulkMessage.objects.all()}
    assert messages["kept"].flight_session == session
    assert messages["gone"].flight_session is None
