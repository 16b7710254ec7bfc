"""The base every Celery task of the project runs on: late acks, one retry policy, failures logged and reported.

Declare tasks with `@project_task` (a `shared_task` with this base) in each app's tasks.py. A task
signals what went wrong by the exception it raises:

- `TransientError`: the same call may succeed later (a timeout, a 4xx SMTP reply, a 5xx from an API).
  The task is retried with exponential backoff and jitter, at most `TASK_MAX_RETRIES` times, then fails.
- `PermanentError`: retrying cannot help (a refused address). Logged with the task id and its
  arguments, reported to Sentry, and the task ends without retrying, so the queue moves on.
- anything else: a bug. The task fails at once (no retry), logged and reported.

Messages are acknowledged only after the task has run (`acks_late`), so a worker killed mid-task leaves
the message for the next worker: every task must therefore be idempotent.
"""

import logging
import random
import re
from typing import Any

import sentry_sdk
from celery import Task, shared_task
from celery.exceptions import TaskPredicate
from django.conf import settings

logger = logging.getLogger("bds.tasks")


class TransientError(Exception):
    """A failure worth retrying later; raise it `from` the original exception."""


class PermanentError(Exception):
    """A failure that retrying cannot fix; raise it `from` the original exception."""


REDACTED = "[redacted]"
_SENSITIVE_NAME_PARTS = ("password", "token", "secret", "authorization", "api_key", "card", "cookie")
_EMAIL_ADDRESS = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")


def _mask(value: Any, *, name: str = "") -> Any:
    if any(part in name.lower() for part in _SENSITIVE_NAME_PARTS):
        return REDACTED
    if isinstance(value, dict):
        return {key: _mask(item, name=str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    if isinstance(value, str):
        # Addresses are personal data: keep enough to tell two apart in a log, not to contact anyone.
        return _EMAIL_ADDRESS.sub(r"\1***@\2", value)
    return value


def task_arguments_for_log(args: tuple, kwargs: dict, *, sensitive_kwargs: tuple[str, ...] = ()) -> dict:
    """Arguments as they may appear in logs and Sentry: secrets redacted, addresses masked.

    Keyword arguments named in `sensitive_kwargs` (e.g. an email's context, which may hold a
    password-reset link) are reduced to the names of their keys.
    """
    shown: dict[str, Any] = {"args": _mask(list(args or ()))}
    for name, value in (kwargs or {}).items():
        if name in sensitive_kwargs:
            shown[name] = f"{REDACTED} keys={sorted(value)}" if isinstance(value, dict) else REDACTED
        else:
            shown[name] = _mask(value, name=name)
    return shown


def retry_countdown(retries: int) -> float:
    """Seconds before retry number `retries + 1`: exponential, capped, with jitter.

    Half of the delay is fixed and half random ("equal jitter"), so many tasks failing together
    (a provider outage) do not all come back in the same second, and none comes back at once.
    """
    ceiling = min(settings.TASK_RETRY_BACKOFF_MAX_SECONDS, settings.TASK_RETRY_BACKOFF_SECONDS * 2**retries)
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not cryptography


class ProjectTask(Task):
    """Celery task base for the whole project (see the module docstring)."""

    acks_late = True
    reject_on_worker_lost = True
    # Names of keyword arguments too sensitive to log in full (their dict keys are still shown).
    sensitive_kwargs: tuple[str, ...] = ()

    def __call__(self, *args, **kwargs):
        eager_retries = 0
        while True:
            try:
                return super().__call__(*args, **kwargs)
            except TaskPredicate:
                raise  # a task's own self.retry(), Ignore or Reject: Celery's control flow, not a failure
            except TransientError as error:
                retries = self.request.retries + eager_retries
                if retries >= settings.TASK_MAX_RETRIES:
                    self._report(error, args, kwargs, what=f"failed after {retries} retries")
                    raise
                logger.warning(
                    "task %s [%s] will retry (retry %s of %s): %s",
                    self.name,
                    self.request.id,
                    retries + 1,
                    settings.TASK_MAX_RETRIES,
                    _mask(str(error)),
                )
                if self.request.is_eager or self.request.called_directly:
                    # No broker (the embedded default): retry in-process at once; a web request cannot wait.
                    eager_retries += 1
                    continue
                raise self.retry(exc=error, countdown=retry_countdown(retries), max_retries=None) from error
            except PermanentError as error:
                self._report(error, args, kwargs, what="failed permanently, not retried")
                return None
            except Exception as error:
                self._report(error, args, kwargs, what="failed with an unexpected error, not retried")
                raise

    def _report(self, error: BaseException, args, kwargs, *, what: str) -> None:
        # Sentry's Celery integration may capture the same exception when it leaves the task; the
        # SDK's dedupe drops the second report of one exception object.
        shown = task_arguments_for_log(args, kwargs, sensitive_kwargs=self.sensitive_kwargs)
        cause = error.__cause__ or error
        logger.error(
            "task %s [%s] %s: %s (%s) arguments=%s",
            self.name,
            self.request.id,
            what,
            _mask(str(error)),
            type(cause).__name__,
            shown,
            exc_info=error,
        )
        with sentry_sdk.new_scope() as scope:
            scope.set_tag("celery_task", self.name)
            scope.set_tag("celery_task_id", str(self.request.id))
            scope.set_context("task", {"arguments": shown, "retries": self.request.retries})
            sentry_sdk.capture_exception(error)


def project_task(*args, **options):
    """`shared_task` on the project's base: `@project_task` or `@project_task(sensitive_kwargs=("context",))`."""
    options.setdefault("base", ProjectTask)
    return shared_task(*args, **options)
