"""gunicorn.conf.py loads Django once in the arbiter (preload_app) and recycles workers
(max_requests): a recycled worker must serve from its own database and Redis connections, never
from ones the arbiter opened before forking.

The in-process tests check the hooks themselves; the server test runs the repo's gunicorn.conf.py
with a worker recycled every few requests and needs every request across the recycles to succeed.
"""

import logging
import os
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from core.gunicorn_worker import (
    HeadDeadlineThreadWorker,
    close_inherited_connections,
    forget_inherited_clients,
    resident_memory_mib,
)
from tests.gunicorn_server import deployed_gunicorn

ROOT = Path(__file__).resolve().parents[2]


def gunicorn_settings() -> dict:
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config file
    return namespace


def test_the_deployed_settings_preload_the_app_and_recycle_on_memory():
    settings = gunicorn_settings()
    assert settings["preload_app"] is True
    # Recycling stays on, on memory rather than a request count (see gunicorn.conf.py).
    assert settings["max_requests"] == 0
    assert settings["max_memory_mib"] >= 200  # well above the ~140 MiB a worker settles at
    for hook in ("when_ready", "pre_fork", "post_fork"):
        assert callable(settings[hook])


class FakeWorker:
    def __init__(self, max_memory_mib: float):
        self.max_memory_mib, self.alive, self.pid = max_memory_mib, True, 4242
        self.log = logging.getLogger("gunicorn.error")


def test_a_worker_over_its_memory_cap_stops_taking_requests_and_one_under_it_does_not(caplog):
    used = resident_memory_mib()
    assert 10 < used < 10_000  # this test process's real resident memory, in MiB

    under = FakeWorker(max_memory_mib=used * 4)
    HeadDeadlineThreadWorker.restart_if_over_memory_cap(under)
    assert under.alive

    over = FakeWorker(max_memory_mib=used / 4)
    with caplog.at_level("WARNING", logger="gunicorn.error"):
        HeadDeadlineThreadWorker.restart_if_over_memory_cap(over)
    assert not over.alive  # gunicorn's loop then finishes the requests in flight and the arbiter forks anew
    assert "over its" in caplog.text

    off = FakeWorker(max_memory_mib=0)
    HeadDeadlineThreadWorker.restart_if_over_memory_cap(off)
    assert off.alive


def test_post_fork_gives_each_worker_the_configured_cap(monkeypatch):
    settings = gunicorn_settings()
    worker = FakeWorker(max_memory_mib=0)
    monkeypatch.setattr("core.gunicorn_worker.forget_inherited_clients", lambda: None)
    settings["post_fork"](None, worker)
    assert worker.max_memory_mib == settings["max_memory_mib"]


@pytest.mark.django_db(transaction=True)  # outside the test transaction, as in the arbiter
def test_the_arbiter_hook_closes_the_database_connection_it_opened():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite database (the test suite's)")
    connection.ensure_connection()
    assert connection.connection is not None
    close_inherited_connections()
    assert connection.connection is None


def test_the_arbiter_hook_empties_the_redis_pool():
    client = getattr(cache, "_client", None)
    if client is None and not hasattr(cache, "client"):
        pytest.skip("the cache is not Redis (no REDIS_URL)")
    cache.set("preload-probe", 1)
    pool = cache.client.get_client().connection_pool
    assert pool._created_connections or pool._available_connections
    close_inherited_connections()
    assert not pool._in_use_connections
    assert all(conn._sock is None for conn in pool._available_connections)


def test_the_arbiter_freezes_what_it_loaded_before_forking(monkeypatch):
    """when_ready hides the preloaded objects from the collector (core.gunicorn_worker)."""
    import gc

    monkeypatch.setattr("core.gunicorn_worker.warm_up", lambda: None)  # tested by the server tests
    gc.unfreeze()
    try:
        gunicorn_settings()["when_ready"](None)
        assert gc.get_freeze_count() > 1000  # Django and the project's modules, at least
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual


def test_the_worker_hook_forgets_celerys_broker_pool():
    from bds.celery import app as celery_app

    celery_app._pool = object()  # what a pool made in the arbiter would be
    forget_inherited_clients()
    assert celery_app._pool is None


def get(port: int, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
        return response.status, response.read()


@pytest.fixture
def recycling_server(tmp_path):
    """The repo's gunicorn.conf.py, 2 workers each recycled after 3 requests (no jitter), on its
    own SQLite database and, when the suite has one, the suite's Redis."""
    redis = {"REDIS_URL": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL") else {}
    arguments = ["--workers", "2", "--max-requests", "3", "--max-requests-jitter", "0", "--log-level", "info"]
    with deployed_gunicorn(
        tmp_path,
        arguments=arguments,
        answers_healthz=lambda port: get(port, "/healthz")[0] == 200,
        environment=redis,
    ) as started:
        yield started


def test_recycled_workers_serve_database_and_cache_pages(recycling_server):
    port, log_path = recycling_server
    # The API's course list reads the database and the cache (and, unlike an HTML page, needs no
    # collected static files); 20 requests recycle each worker several times.
    statuses = []
    for _ in range(20):
        status, body = get(port, "/api/v1/courses")
        statuses.append(status)
        assert body.startswith(b"{") and b'"items"' in body
    assert statuses == [200] * 20
    log = log_path.read_text()
    assert log.count("Booting worker") > 2, log  # recycling happened
    assert "Traceback" not in log, log
