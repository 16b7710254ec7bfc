"""The task base every project task uses: late acks, capped jittered backoff, arguments logged without secrets."""

import pytest

from bds.lib.tasks import ProjectTask, retry_countdown, task_arguments_for_log
from bds.tasks import deliver_email


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
