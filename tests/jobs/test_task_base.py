"""The task base every project task uses: late acks, capped jittered backoff, arguments logged without secrets."""

import pytest

from core.mail import deliver_email
from core.tasks import (
    PermanentError,
    ProjectTask,
    TransientError,
    project_task,
    retry_countdown,
    task_arguments_for_log,
)


def test_project_tasks_acknowledge_late_so_a_killed_worker_loses_nothing():
    assert isinstance(deliver_email, ProjectTask)
    assert deliver_email.acks_late is True
    assert deliver_email.reject_on_worker_lost is True


@pytest.mark.parametrize(("retries", "ceiling"), [(0, 5), (1, 10), (3, 40), (7, 600), (20, 600)])
def test_the_delay_doubles_with_jitter_up_to_the_cap(settings, retries, ceiling):
    settings.TASK_RETRY_BACKOFF_SECONDS = 5
    settings.TASK_RETRY_BACKOFF_MAX_SECONDS = 600
    delays = {retry_countdown(retries) for _ in range(50)}
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays)
    assert len(delays) > 1  # jittered, so failures together do not return together


def test_logged_arguments_hide_secrets_and_mask_addresses():
    shown = task_arguments_for_log(
        ("sam.student@example.com",),
        {
            "to": ["sam.student@example.com"],
            "api_key": "sk_live_123",
            "options": {"password": "hunter2", "course": 7},
            "context": {"reset_url": "https://bds.example/reset/token/"},
        },
        sensitive_kwargs=("context",),
    )
    assert shown == {
        "args": ["s***@example.com"],
        "to": ["s***@example.com"],
        "api_key": "[redacted]",
        "options": {"password": "[redacted]", "course": 7},
        "context": "[redacted] keys=['reset_url']",
    }


calls: list[str] = []


@project_task(bind=True, name="tests.jobs.flaky_job")
def flaky_job(self, *, failures: int, kind: str = "transient", password: str = "") -> str:
    calls.append(self.request.id)
    if len(calls) <= failures:
        if kind == "transient":
            raise TransientError("the service is busy") from TimeoutError()
        if kind == "permanent":
            raise PermanentError("the service refused this for good") from ValueError("bad input")
        raise KeyError("a bug")
    return "done"


@pytest.fixture
def reported(monkeypatch):
    calls.clear()
    captured = []
    monkeypatch.setattr("core.tasks.sentry_sdk.capture_exception", captured.append)
    return captured


def test_a_transient_failure_is_retried_and_the_task_then_succeeds(reported):
    assert flaky_job.delay(failures=2).get() == "done"
    assert len(calls) == 3
    assert len(set(calls)) == 1  # one task, retried: the same id, so its work can be keyed on it
    assert reported == []


def test_a_permanent_failure_ends_the_task_without_retrying_and_is_reported(reported, caplog):
    assert flaky_job.delay(failures=5, kind="permanent", password="hunter2").get() is None
    assert len(calls) == 1
    [error] = reported
    assert isinstance(error.__cause__, ValueError)
    [record] = [record for record in caplog.records if record.name == "bds.tasks"]
    assert "tests.jobs.flaky_job" in record.getMessage()
    assert calls[0] in record.getMessage()  # the task id
    assert "'password': '[redacted]'" in record.getMessage()
    assert "hunter2" not in record.getMessage()


def test_a_bug_is_not_retried_and_is_reported(reported):
    with pytest.raises(KeyError):
        flaky_job.delay(failures=5, kind="bug")
    assert len(calls) == 1
    assert len(reported) == 1
