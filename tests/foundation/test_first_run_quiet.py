"""A first run in development is quiet: no JWT_SECRET warning on every manage.py call and no kombu
"No hostname was supplied" warning when a job runs without Redis (issue 22). API tokens signed in
one development process still verify in the next (the key is derived, not random per process)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bds.settings")
django.setup()
from django.conf import settings
from core.mail import email_send_rendered
email_send_rendered(label="first-run", to=["a@example.com"], subject="Hello", text="x")
print("JWT", settings.JWT_SECRET)
"""


def run_like_a_newcomer() -> subprocess.CompletedProcess:
    dropped = {"DATABASE_URL", "REDIS_URL", "JWT_SECRET", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, "-W", "default", "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_no_warnings_on_a_development_run_and_a_stable_api_key():
    first, second = run_like_a_newcomer(), run_like_a_newcomer()
    assert first.returncode == 0, first.stderr
    output = first.stdout + first.stderr
    assert "JWT_SECRET is not set" not in output
    assert "No hostname was supplied" not in output
    key = [line for line in first.stdout.splitlines() if line.startswith("JWT ")]
    assert key and key == [line for line in second.stdout.splitlines() if line.startswith("JWT ")]
