"""Back-office workflows that write: bulk messages to a course's or a flight session's students."""

import logging

from django.db import transaction

from backoffice.models import BulkMessage
from core.mail import email_send
from courses.models import Course
from flights.models import FlightSession

logger = logging.getLogger(__name__)


@transaction.atomic
def bulk_message_send(
    *,
    sender,
    audience: str,
    recipients,
    subject: str,
    body: str,
    course: Course | None = None,
    flight_session: FlightSession | None = None,
) -> BulkMessage:
    """Record a message and queue one email per recipient after commit.

    Each email carries the idempotency key (message, recipient), so a redelivered task never sends
    twice. It is not transactional mail: addresses that bounced or complained are skipped.
    """
    people = list(recipients)
    message = BulkMessage.objects.create(
        sender=sender,
        audience=audience[:200],
        course=course,
        flight_session=flight_session,
        subject=subject,
        body=body,
        sent_count=len(people),
    )
    for person in people:
        email_send(
            template="bulk_message",
            to=[person.email],
            context={"user_name": person.get_short_name(), "subject": subject, "body": body, "audience": audience},
            idempotency_key=f"bulk-message:{message.pk}:{person.pk}",
            transactional=False,
        )
    logger.info("bulk message sent message=%s by=%s audience=%s count=%s", message.pk, sender.pk, audience, len(people))
    return message
