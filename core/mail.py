"""The one place that renders and sends email.

Every email is three templates under templates/emails/<name>/: subject.txt, body.txt (which extends
emails/layout.txt) and body.html (which extends emails/layout.html, inline styles only). Subject and
plain text are rendered without HTML escaping. The list of every email the school sends, with
sample context, is backoffice/emails_catalog.py.

`email_send` queues the delivery after the current transaction commits, so an email never goes out
for a change that was rolled back. The queued task (`deliver_email`, below) delivers at most once
per idempotency key and retries transient failures; see `email_deliver_once` for the guarantees.
"""

import hashlib
import json
import logging
import operator
import re
import smtplib
import uuid
from collections.abc import Sequence
from functools import reduce

from anymail.exceptions import (
    AnymailAPIError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailSerializationError,
    AnymailUnsupportedFeature,
)
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from core.tasks import PermanentError, TransientError, project_task

logger = logging.getLogger("bds.mail")


def _render_plain(name: str, context: dict) -> str:
    # Plain text is not HTML: "O'Brien & Co" must not arrive as "O&#x27;Brien &amp; Co".
    return get_template(name).template.render(Context(context, autoescape=False))


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one email."""
    context = {
        "SCHOOL_NAME": settings.SCHOOL_NAME,
        "SITE_URL": settings.SITE_URL,
        "SCHOOL_POSTAL_ADDRESS": settings.SCHOOL_POSTAL_ADDRESS,
        **context,
    }
    subject = " ".join(_render_plain(f"emails/{template}/subject.txt", context).split())
    text = _render_plain(f"emails/{template}/body.txt", context)
    # Template blocks leave blank-line runs behind; mail clients show them all.
    text = re.sub(r"\n[ \t]*(\n[ \t]*){2,}", "\n\n", text).strip() + "\n"
    html = render_to_string(f"emails/{template}/body.html", context)
    return subject, text, html


def email_recipients_deliverable(to: Sequence[str]) -> list[str]:
    """The addresses of `to` not marked undeliverable (a bounce or complaint reported by the provider)."""
    if not to:
        return []
    same_address = reduce(operator.or_, (Q(email__iexact=address) for address in to))
    undeliverable = {
        email.lower()
        for email in get_user_model()
        .objects.filter(same_address, email_undeliverable_at__isnull=False)
        .values_list("email", flat=True)
    }
    return [address for address in to if address.lower() not in undeliverable]


def email_deliver(
    *,
    template: str,
    to: Sequence[str],
    context: dict,
    transactional: bool = True,
    rendered: dict | None = None,
    metadata: dict | None = None,
) -> int:
    """Render and send now (called by the queued task, or eagerly without a broker).

    Non-transactional mail (newsletters, reminders one can live without) skips addresses marked
    undeliverable; transactional mail (receipts, resets) is always attempted. `rendered` holds an
    already rendered {"subject", "text", "html"} (allauth's emails) instead of `context`.
    Returns how many recipients the message went to; exceptions of the mail backend propagate.
    """
    recipients = list(to) if transactional else email_recipients_deliverable(to)
    if not recipients:
        logger.info("email %s not sent: every recipient is marked undeliverable", template)
        return 0
    if rendered is not None:
        subject, text, html = rendered["subject"], rendered["text"], rendered.get("html")
    else:
        subject, text, html = email_render(template=template, context=context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.EMAIL_FROM_ADDRESS,
        to=recipients,
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    # Anymail passes these to the provider, whose tracking webhook sends them back; other backends ignore them.
    message.tags = [template]
    message.metadata = {"template": template, **(metadata or {})}
    message.send()
    return len(recipients)


# -- delivery at most once per key ----------------------------------------------------------------

_SMTP_PERMANENT_FROM = 500


def email_failure_is_transient(error: BaseException) -> bool | None:
    """True if retrying the same send may succeed, False if it cannot, None if the error is unknown (a bug)."""
    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress | AnymailSerializationError):
        return False
    if isinstance(error, AnymailUnsupportedFeature | ImproperlyConfigured):
        return False
    if isinstance(error, AnymailAPIError):
        # No status: the request never got an answer (network). 429 and 5xx: the provider asks us to wait.
        status = error.status_code
        return status is None or status == 429 or status >= 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Raised only when every recipient was refused; 4xx means "try again later" (greylisting, full mailbox).
        return any(code < _SMTP_PERMANENT_FROM for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < _SMTP_PERMANENT_FROM
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError | OSError):
        return True
    if isinstance(error, ValueError):
        return False  # an address Django cannot encode
    return None


def _delivery_key(*, template: str, to: Sequence[str], idempotency_key: str) -> str:
    recipients = ",".join(sorted(address.lower() for address in to))
    digest = hashlib.sha256(f"{template}|{recipients}|{idempotency_key}".encode()).hexdigest()
    return f"email:{digest}"


def email_was_sent(*, template: str, to: Sequence[str], idempotency_key: str) -> bool:
    """Whether a delivery with this key completed (within EMAIL_SENT_MARKER_TTL_SECONDS)."""
    key = _delivery_key(template=template, to=to, idempotency_key=idempotency_key)
    return cache.get(f"{key}:sent") is not None


def email_deliver_once(
    *,
    template: str,
    to: Sequence[str],
    context: dict,
    idempotency_key: str,
    transactional: bool = True,
    rendered: dict | None = None,
    attempt_id: str | None = None,
) -> bool:
    """Deliver unless a delivery with the same (template, recipients, idempotency_key) already completed.

    Returns True if this call sent the email, False if it had been sent before. A lock held while
    sending keeps two workers (a redelivered message, a duplicate enqueue) from sending at once; the
    marker written after the provider accepted the message lasts EMAIL_SENT_MARKER_TTL_SECONDS.
    Raises TransientError (retry later) or PermanentError (do not retry), each `from` the cause.

    `attempt_id` (the Celery task id, which a retry or a redelivery keeps) owns the lock: finding the
    lock held under its own id means an earlier run of the same task died while sending (a killed
    worker whose message came back), so this run takes the lock over instead of waiting it out.

    Remaining window: a worker that dies after the provider accepted the message and before the
    marker is written (a few milliseconds) leaves the message to be redelivered, and it is sent a
    second time: delivery is at least once, duplicates need a crash in that instant. Markers live in
    the cache (Redis), so they are lost if Redis loses its data.
    """
    key = _delivery_key(template=template, to=to, idempotency_key=idempotency_key)
    if cache.get(f"{key}:sent") is not None:
        logger.info("email %s with key %s already sent; skipped", template, idempotency_key)
        return False
    # The lock outlives any single attempt (SMTP timeout 10 s) so a stuck peer is never doubled.
    owner = attempt_id or uuid.uuid4().hex
    lock_seconds = settings.EMAIL_SENDING_LOCK_SECONDS
    if not cache.add(f"{key}:sending", owner, timeout=lock_seconds):
        if attempt_id is None or cache.get(f"{key}:sending") != attempt_id:
            raise TransientError(f"email {template} with key {idempotency_key} is being sent by another worker")
        logger.warning(
            "email %s with key %s: an earlier run of task %s died while sending; sending again",
            template,
            idempotency_key,
            attempt_id,
        )
        cache.set(f"{key}:sending", owner, timeout=lock_seconds)
    try:
        email_deliver(
            template=template,
            to=to,
            context=context,
            transactional=transactional,
            rendered=rendered,
            metadata={"idempotency_key": idempotency_key},
        )
    except Exception as error:
        cache.delete(f"{key}:sending")
        transient = email_failure_is_transient(error)
        if transient is True:
            raise TransientError(f"email {template} not sent yet: {error}") from error
        if transient is False:
            raise PermanentError(f"email {template} cannot be delivered: {error}") from error
        raise
    cache.set(f"{key}:sent", timezone.now().isoformat(), timeout=settings.EMAIL_SENT_MARKER_TTL_SECONDS)
    cache.delete(f"{key}:sending")
    return True


# -- queueing -------------------------------------------------------------------------------------


def _check_serialisable(context: dict) -> None:
    # Eager tasks (development, tests) skip serialisation, so a model instance in the context would only
    # fail in production, after commit, in the worker's queue. Fail here, where the mistake is.
    try:
        json.dumps(context)
    except TypeError as error:
        raise TypeError(f"email context must be JSON-serialisable (ids and strings): {error}") from error


def email_send(
    *,
    template: str,
    to: Sequence[str],
    context: dict,
    idempotency_key: str | None = None,
    transactional: bool = True,
) -> None:
    """Queue an email after commit. Context values must be JSON-serialisable (ids, strings).

    `idempotency_key` names what the email is about, e.g. "receipt:payment:42": however often the
    same (template, recipients, key) is queued, it is delivered once. Without a key, a retried or
    redelivered task still sends once, but two calls send two emails.
    `transactional=False` marks marketing-like mail, which skips addresses marked undeliverable.
    """
    _check_serialisable(context)
    kwargs = {
        "template": template,
        "to": list(to),
        "context": context,
        "idempotency_key": idempotency_key,
        "transactional": transactional,
    }
    transaction.on_commit(lambda: deliver_email.delay(**kwargs))


def email_send_rendered(
    *,
    label: str,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    idempotency_key: str | None = None,
    transactional: bool = True,
) -> None:
    """Queue an email rendered elsewhere (allauth renders its own), after commit.

    `label` names the email in logs and provider tags (e.g. "account_confirmation").
    """
    kwargs = {
        "template": label,
        "to": list(to),
        "context": {},
        "idempotency_key": idempotency_key,
        "transactional": transactional,
        "rendered": {"subject": subject, "text": text, "html": html},
    }
    transaction.on_commit(lambda: deliver_email.delay(**kwargs))


# The context may hold links with secrets (a password-reset token): logs show only its keys.
# The task keeps its historical name so messages queued before a deploy are still consumed.
@project_task(bind=True, name="bds.tasks.deliver_email", sensitive_kwargs=("context", "rendered"))
def deliver_email(
    self,
    *,
    template: str,
    to: list[str],
    context: dict,
    idempotency_key: str | None = None,
    transactional: bool = True,
    rendered: dict | None = None,
) -> bool:
    """Send one email at most once; True if this run sent it, False if it had been sent before.

    Without a caller's key, the task id stands in: Celery keeps it across retries and redeliveries.
    """
    return email_deliver_once(
        template=template,
        to=to,
        context=context,
        idempotency_key=idempotency_key or f"task:{self.request.id}",
        transactional=transactional,
        rendered=rendered,
        attempt_id=self.request.id,
    )
