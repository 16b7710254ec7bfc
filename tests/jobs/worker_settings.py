"""Settings for the Celery worker that tests/jobs starts: the project's, with every wait in seconds, not minutes."""

from bds.settings import *  # noqa: F403

TASK_RETRY_BACKOFF_SECONDS = 1
TASK_RETRY_BACKOFF_MAX_SECONDS = 2
# A killed worker's unacknowledged message comes back after this long (an hour in production).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 8,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
