"""Settings for the Celery worker that tests/jobs starts: the project's, with retries seconds apart, not minutes."""

from bds.settings import *  # noqa: F403

TASK_RETRY_BACKOFF_SECONDS = 1
TASK_RETRY_BACKOFF_MAX_SECONDS = 2
