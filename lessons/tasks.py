"""Background jobs for learning. Each task only calls a service (DESIGN.md)."""

from celery import shared_task

from lessons import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificate_issue_task(*, enrollment_id: int) -> str | None:
    certificate = services.certificate_issue(enrollment_id=enrollment_id)
    return certificate.public_id if certificate else None


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def lesson_video_process_task(*, lesson_id: int) -> bool:
    return services.lesson_video_process(lesson_id=lesson_id)
