"""Background jobs for learning and its direct uploads. Each task only calls a service."""

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task

from lessons import services, uploads
from lessons.services import renditions


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificate_issue_task(*, enrollment_id: int) -> str | None:
    certificate = services.certificate_issue(enrollment_id=enrollment_id)
    return certificate.public_id if certificate else None


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def lesson_video_process_task(*, lesson_id: int) -> bool:
    processed = services.lesson_video_process(lesson_id=lesson_id)
    if processed:  # ffmpeg read the video: it can be streamed too
        renditions.lesson_renditions_make_later(lesson_id=lesson_id)
    return processed


# Encoding takes minutes per video: late acknowledgement, so a worker restarted mid-encode (a
# deploy) leaves the job queued for the next one instead of losing it.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def lesson_renditions_task(*, lesson_id: int) -> bool:
    return renditions.lesson_renditions_make(lesson_id=lesson_id)


# -- the direct-upload pipeline (lessons/uploads.py) ----------------------------------------------
# Named as they were when they lived in lessons/upload_tasks.py: the beat schedule and messages
# already queued use these names.


@shared_task(
    name="lessons.upload_tasks.media_objects_retire_task",
    autoretry_for=(BotoCoreError, ClientError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def media_objects_retire_task(*, names: list[str]) -> list[str]:
    return uploads.media_objects_retire(names=names)


@shared_task(
    name="lessons.upload_tasks.media_orphans_clean_task",
    autoretry_for=(BotoCoreError, ClientError, OSError),
    retry_backoff=True,
    max_retries=2,
)
def media_orphans_clean_task() -> dict:
    return uploads.media_orphans_clean()
