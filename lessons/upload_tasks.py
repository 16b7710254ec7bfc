"""Background jobs of the direct-upload pipeline; each only calls a service in lessons/uploads.py.

Not named tasks.py (that module belongs to the learning jobs), so bds/celery.py names it for
autodiscovery, for the worker to register these tasks.
"""

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task

from lessons import uploads


@shared_task(autoretry_for=(BotoCoreError, ClientError, OSError), retry_backoff=True, max_retries=5)
def media_objects_retire_task(*, names: list[str]) -> list[str]:
    return uploads.media_objects_retire(names=names)


@shared_task(autoretry_for=(BotoCoreError, ClientError, OSError), retry_backoff=True, max_retries=2)
def media_orphans_clean_task() -> dict:
    return uploads.media_orphans_clean()
