"""Real servers for the jobs tests: an SMTP server on 127.0.0.1 (aiosmtpd) and a Celery worker on Redis."""

import asyncio
import os
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from bds.celery import app as celery_app
from tests.ports import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]


class RecordingSMTPHandler:
    """Accepts mail and keeps it; can answer "451 try again later" to the next N messages,
    and refuses recipients whose address starts with "nobody" (550, a permanent failure)."""

    def __init__(self):
        self.messages: list[Message] = []
        self.envelopes = []
        self.attempts = 0
        self.refuse_next = 0
        self.hold = False  # keep the next DATA unanswered until its sender is gone: a send "in flight"
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold:
            # The sender is to die with its message "in flight": never accept this one.
            self.hold = False
            self.holding.set()
            while not self.release.is_set() and not self._sender_gone(server):
                await asyncio.sleep(0.05)
            return "451 4.4.2 Connection lost"
        with self._lock:
            self.attempts += 1
            if self.refuse_next > 0:
                self.refuse_next -= 1
                return "451 4.3.0 Mailbox busy, try again later"
            self.envelopes.append(envelope)
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    @staticmethod
    def _sender_gone(server) -> bool:
        return server.transport is None or server.transport.is_closing()

    def wait_for(self, count: int, *, deadline_seconds: float = 90) -> list[Message]:
        """Wait until `count` messages arrived (a worker needs time to start); fail if they never do."""
        give_up_at = time.monotonic() + deadline_seconds
        while len(self.messages) < count and time.monotonic() < give_up_at:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
        return self.messages


@pytest.fixture
def smtp_server():
    handler = RecordingSMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.host, handler.port = controller.hostname, controller.port
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def smtp_mailers(smtp_server):
    """MAILERS pointing at the test's SMTP server, for `override_settings(MAILERS=...)` inside a test
    (the test runner swaps MAILERS for locmem during setup, so a `settings` change made before it is lost)."""
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": smtp_server.host, "port": smtp_server.port, "use_tls": False, "timeout": 10},
        }
    }


def _test_database_url() -> str:
    """DATABASE_URL naming the test database, so the worker sees what the test commits."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path="/" + connection.settings_dict["NAME"]).geturl()


@pytest.fixture
def start_celery_worker(transactional_db, smtp_server, tmp_path):
    """Start real `celery -A bds worker` processes on Redis, sending mail to `smtp_server`.

    A worker is another process: it sees only committed data (hence transactional_db) in the test
    database, and has its own settings (tests/jobs/worker_settings.py: quick retries). Every worker
    started is stopped at the end by its own PID.
    """
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis: set REDIS_URL")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process cannot see an SQLite test database")
    celery_app.control.purge()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "DATABASE_URL": _test_database_url(),
        "EMAIL_PROVIDER": "smtp",
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "false",
        "DEBUG": "true",
        "JWT_SECRET": "0123456789abcdef" * 4,
    }
    workers: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log_path = tmp_path / f"worker-{len(workers) + 1}.log"
        with log_path.open("w") as log:
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "bds",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=jobs-test-{uuid.uuid4().hex[:8]}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        worker.log_path = log_path
        workers.append(worker)
        give_up_at = time.monotonic() + 90
        while " ready." not in log_path.read_text() and time.monotonic() < give_up_at:
            assert worker.poll() is None, f"the worker exited:\n{log_path.read_text()}"
            time.sleep(0.2)
        assert " ready." in log_path.read_text(), f"the worker did not start:\n{log_path.read_text()}"
        celery_app.conf.task_always_eager = False  # the autouse _eager_tasks fixture restores it
        return worker

    yield start
    for worker in workers:
        stop_process(worker, seconds=30)
        # Shown by pytest when the test failed.
        print(f"--- {worker.log_path.name} ---\n{worker.log_path.read_text()}")


@pytest.fixture
def celery_worker(start_celery_worker):
    return start_celery_worker()
