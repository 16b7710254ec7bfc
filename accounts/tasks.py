from celery import shared_task

from accounts.services import account_email_deliver


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def deliver_rendered_email(*, subject: str, text: str, html: str, to: list[str], headers: dict | None = None) -> None:
    account_email_deliver(subject=subject, text=text, html=html, to=to, headers=headers)
