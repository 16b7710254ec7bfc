"""gunicorn's threaded worker, with a deadline for each request's head (request line and headers).

gunicorn 27's gthread worker keeps a new connection off its threads until the first bytes arrive.
But a client that then sends part of a request line or of its headers and stalls keeps its thread
until it hangs up: as many such clients as threads and the process answers nothing, not even
/healthz, and the arbiter never notices (the worker's main loop is fine). This worker gives a head
HEAD_DEADLINE_SECONDS from its first byte. Past that its main loop shuts the connection's read
side: the parser meets the end of the stream, gunicorn closes the connection and the thread is free.

A body is the application's to read: core.request_body.read_body_within bounds that.
HTTP/1.1 only, as gunicorn.conf.py serves: an HTTP/2 connection would be cut after the deadline.

It leans on gthread's internals (`handle`, `murder_pending`, `_DEFER`) as of gunicorn 27.0.1, the
pinned version; tests/resilience/test_slow_clients.py runs it for real, so an upgrade that changes
them fails there first.
"""

import os
import resource
import socket
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from gunicorn.workers import gthread

# A browser or a proxy sends a head in one go; five seconds is generous for a mobile link.
HEAD_DEADLINE_SECONDS = 5.0


def resident_memory_mib() -> float:
    """This process's resident memory now (Linux /proc), or its peak where /proc is missing."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
        return peak / (2**20 if sys.platform == "darwin" else 2**10)


class HeadDeadlineThreadWorker(gthread.ThreadWorker):
    # Restart this worker (gracefully, after its requests in flight) once its resident memory
    # passes this many MiB; 0 never does. gunicorn.conf.py's post_fork sets it from
    # WEB_WORKER_MAX_MEMORY_MB.
    max_memory_mib: float = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Connections whose head is being read on a thread, with the moment it must be complete.
        self.head_deadlines: dict[gthread.TConn, float] = {}
        self.head_deadlines_lock = threading.Lock()

    def handle(self, conn):
        # On a pool thread. gunicorn's own first step, done here so the clock starts at the first
        # byte: a connection with nothing to read within its wait goes back to the poller.
        waiting_for_first_bytes = not conn.initialized and not conn.data_ready
        if waiting_for_first_bytes and not conn.wait_for_data(gthread.DEFAULT_WORKER_DATA_TIMEOUT):
            return gthread._DEFER
        with self.head_deadlines_lock:
            self.head_deadlines[conn] = time.monotonic() + HEAD_DEADLINE_SECONDS
        try:
            return super().handle(conn)
        finally:
            self._head_finished(conn)

    def handle_request(self, req, conn):
        # The head is parsed: from here the request belongs to the application.
        self._head_finished(conn)
        return super().handle_request(req, conn)

    def murder_pending(self):
        # gunicorn's main loop calls this about once a second, whatever the threads are doing.
        super().murder_pending()
        self.restart_if_over_memory_cap()
        now = time.monotonic()
        with self.head_deadlines_lock:
            late = [conn for conn, deadline in self.head_deadlines.items() if deadline <= now]
            for conn in late:
                del self.head_deadlines[conn]
        for conn in late:
            self.log.warning("Closing %s: its request head took over %s s", conn.client, HEAD_DEADLINE_SECONDS)
            with suppress(OSError):  # the client may be gone already
                conn.sock.shutdown(socket.SHUT_RD)

    def restart_if_over_memory_cap(self) -> None:
        """Recycling on memory instead of a request count: a worker is replaced only when it has
        grown (a leak, a huge export), not every couple of thousand requests, which at a burst's
        rate meant a restart every second or two and a p99 of hundreds of ms (bench/RESULTS.md)."""
        if not self.max_memory_mib or not self.alive:
            return
        used = resident_memory_mib()
        if used > self.max_memory_mib:
            self.log.warning(
                "Worker %s uses %.0f MiB, over its %.0f MiB cap: restarting it after its requests in flight",
                self.pid,
                used,
                self.max_memory_mib,
            )
            self.alive = False  # as gunicorn's own max_requests does; the arbiter forks a new one

    def _head_finished(self, conn) -> None:
        with self.head_deadlines_lock:
            self.head_deadlines.pop(conn, None)


def close_inherited_connections() -> None:
    """In gunicorn's arbiter (preload_app): close every database connection and Redis pool that
    loading the application opened, so no forked worker shares a socket with the arbiter or with
    another worker. Django and the clients open fresh ones in each worker on first use."""
    from django.apps import apps

    if not apps.ready:  # preload_app off (`--config` elsewhere): the arbiter never loaded Django
        return
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    for cache in caches.all(initialized_only=True):
        _disconnect_redis_pools(cache)


def forget_inherited_clients() -> None:
    """In a freshly forked worker: drop, without closing (the sockets are the arbiter's), the
    client objects that were created before the fork.

    - Django's database connections live in thread-locals; the worker's request threads are new
      threads and open their own. The arbiter closed its own before forking.
    - redis-py's pools notice the new process id and start empty (ConnectionPool._checkpid).
    - Celery's broker pool is process-wide: reset it as Celery's own after-fork hook would.
    - Sentry's transport thread does not survive a fork; sentry-sdk restarts it on the first event.
    - New Relic (scripts/start.sh) registers its agent lazily, on the first transaction, which
      happens in the worker.
    """
    from django.apps import apps

    if not apps.ready:
        return
    from celery import current_app  # the project's Celery app (bds/celery.py), set as current

    current_app._get_current_object()._after_fork()


def _disconnect_redis_pools(cache) -> None:
    client = getattr(cache, "_client", None)  # django-redis's DefaultClient, if created; else none
    for connection in getattr(client, "_clients", None) or ():
        if connection is not None:
            connection.connection_pool.disconnect()


def warm_up() -> None:
    """In the arbiter (preload_app): build Django's URL resolver and compile every project
    template, so a recycled worker starts with them instead of paying for them on its first
    requests. Compiled templates live in the cached template loader of each engine; nothing here
    touches the database. A template that does not compile is left for its page to report."""
    from django.apps import apps

    if not apps.ready:
        return
    from pathlib import Path

    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module
    get_resolver()._populate()
    for engine in engines.all():
        folders = [Path(folder) for folder in engine.template_dirs]
        for folder in folders:
            for path in folder.rglob("*.html"):
                try:
                    engine.get_template(str(path.relative_to(folder)))
                except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                    continue


def freeze_loaded_objects() -> None:
    """In the arbiter, once Django and every template are loaded: move every object alive now out
    of the garbage collector's sight (gc.freeze, as Python's documentation advises before fork()
    without exec). The workers inherit them and never scan them again, so a full collection in a
    worker walks only what that worker made: shorter pauses in the middle of requests, and no
    copy-on-write of the shared pages just to update the collector's counters."""
    import gc

    gc.collect()
    gc.freeze()
