"""Project-wide tasks: email delivery. Each app's own tasks live in its tasks.py."""

from bds.lib.mail import email_deliver_once
from bds.lib.tasks import project_task


# The context may hold links with secrets (a password-reset token): logs show only its keys.
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
