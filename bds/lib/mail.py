"""The one place that renders and sends email.

Every email is three templates under templates/emails/<name>/: subject.txt, body.txt and
body.html (which extends emails/layout.html). `email_send` queues the delivery after the current
transaction commits, so an email never goes out for a change that was rolled back.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string


def email_render(*, template: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one email."""
    context = {"SCHOOL_NAME": settings.SCHOOL_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{template}/subject.txt", context).split())
    text = render_to_string(f"emails/{template}/body.txt", context)
    html = render_to_string(f"emails/{template}/body.html", context)
    return subject, text, html


def email_deliver(*, template: str, to: Sequence[str], context: dict) -> None:
    """Render and send now (called by the queued task, or eagerly without a broker)."""
    subject, text, html = email_render(template=template, context=context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.EMAIL_FROM_ADDRESS,
        to=list(to),
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()


def email_send(*, template: str, to: Sequence[str], context: dict) -> None:
    """Queue an email after commit. Context values must be JSON-serialisable (ids, strings)."""
    from bds.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(template=template, to=list(to), context=context))
