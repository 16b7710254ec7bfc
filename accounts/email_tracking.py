"""The email provider's tracking webhook (Anymail, mounted at /anymail/) marks addresses that cannot receive mail.

A hard bounce, a rejection or a spam complaint sets `User.email_undeliverable_at`; mail sent with
`transactional=False` then skips that address (core.mail), while receipts and password resets are
still attempted. Staff see the flag in the user admin. Connected to `anymail.signals.tracking` in bds/urls.py.
"""

import logging

from anymail.signals import AnymailTrackingEvent, EventType
from django.utils import timezone

from accounts.models import User
from accounts.user_cache import forget_users

logger = logging.getLogger("accounts.email_tracking")

UNDELIVERABLE_EVENTS = frozenset({EventType.BOUNCED, EventType.REJECTED, EventType.COMPLAINED})


def user_mark_email_undeliverable(*, email: str, at=None) -> int:
    """Flag the user(s) with this address as undeliverable, keeping the first report's time; returns rows changed."""
    flagged = User.objects.filter(email__iexact=email, email_undeliverable_at__isnull=True)
    pks = list(flagged.values_list("pk", flat=True))
    changed = flagged.update(email_undeliverable_at=at or timezone.now())
    forget_users(*pks)  # update() sends no post_save
    return changed


def email_tracking_event_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """Receiver for anymail.signals.tracking: bounces, rejections and complaints flag the recipient."""
    if event.event_type not in UNDELIVERABLE_EVENTS or not event.recipient:
        return
    # Some providers send naive or no timestamps; then the time of receipt will do.
    at = event.timestamp if event.timestamp and timezone.is_aware(event.timestamp) else None
    changed = user_mark_email_undeliverable(email=event.recipient, at=at)
    logger.info(
        "%s reported %s (%s) for message %s, event %s; %s user(s) flagged undeliverable",
        esp_name,
        event.event_type,
        event.reject_reason,
        event.message_id,
        event.event_id,
        changed,
    )
