from celery import shared_task

from bds.lib.mail import email_deliver


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def deliver_email(*, template: str, to: list[str], context: dict) -> None:
    email_deliver(template=template, to=to, context=context)
