"""A real worker must know every task the beat schedules and every task the code defines.

Tests run tasks eagerly in-process, where importing a module registers its tasks as a side effect,
so a task module the worker never imports goes unnoticed (the hourly media clean-up did). This test
loads the Celery app in a fresh interpreter exactly as `celery -A bds worker` does, and compares
what that registry holds with what the project defines.
"""

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

from celery import Task
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = (
    "accounts",
    "api",
    "backoffice",
    "bds",
    "core",
    "courses",
    "dashboard",
    "enrollments",
    "flights",
    "lessons",
    "pages",
    "payments",
)

WORKER_REGISTRY = """
import json
from bds.celery import app
app.loader.import_default_modules()  # what a worker does at start: settings, then autodiscovery
print(json.dumps(sorted(name for name in app.tasks if not name.startswith("celery."))))
"""


def worker_task_names() -> set[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-c", WORKER_REGISTRY], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def defined_task_names() -> set[str]:
    names = set()
    for package_name in FIRST_PARTY:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            names |= {value.name for value in vars(module).values() if isinstance(value, Task)}
    return names


def test_a_worker_registers_every_scheduled_task():
    registered = worker_task_names()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled, "the beat schedule is empty: this test would prove nothing"
    assert scheduled - registered == set()


def test_a_worker_registers_every_task_the_code_defines():
    defined = defined_task_names()
    assert "lessons.upload_tasks.media_orphans_clean_task" in defined
    assert defined - worker_task_names() == set()
