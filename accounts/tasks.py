from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def deliver_rendered_email(*, subject: str, text: str, html: str, to: list[str], headers: dict | None = None) -> None:
    """Send an account email that was rendered in the request (allauth's templates need the request).

    Arguments are plain strings so the message survives the JSON serialiser and a worker restart.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.EMAIL_FROM_ADDRESS,
        to=to,
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
        headers=headers or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
