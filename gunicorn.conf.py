"""gunicorn's settings for the web service. gunicorn reads ./gunicorn.conf.py by itself, so
`scripts/start.sh web` runs plain `gunicorn bds.wsgi`; options given on the command line win.

Why threads: a request waiting on PostgreSQL, Redis, S3 or Stripe, or on a client that sends its
body slowly, holds one thread instead of a whole worker process, and the process's other threads
keep answering (/healthz included).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"  # Render sets PORT

# gunicorn's threaded (gthread) worker, plus a deadline for each request's head: see the class.
worker_class = "core.gunicorn_worker.HeadDeadlineThreadWorker"
# Processes: each holds its own copy of Django (about 140 MiB, bench/RESULTS.md); the plan's
# memory decides how many fit.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Requests served at once per process. Threads cost little memory; each open request may hold
# one database connection (persistent, CONN_MAX_AGE), so workers x threads is the connection count.
threads = int(os.environ.get("WEB_THREADS", "4"))

# A worker whose main loop stops answering the arbiter this long is killed and replaced. With
# threads a slow request does not trip it (the main loop keeps running); that is what the head
# deadline and core.request_body's read deadline are for.
timeout = 30
# On a deploy Render sends SIGTERM and kills 30 s later: requests in flight get 25 s to finish.
graceful_timeout = 25
# One request per connection ("Connection: close"). A threaded worker accepts every connection it
# can and keeps its kept-alive ones, so a few long-lived connections (a proxy's pool, a load test)
# can all land on one process and leave the other core idle: bench/RESULTS.md measured the same
# cached page at 1,100 or 2,500 req/s depending on that split, and at a steady ~2,100 without
# keep-alive. Closing also rules out the proxy reusing a connection just as gunicorn closes it.
keepalive = 0

# Workers are recycled on memory, not on a request count: one whose resident memory passes
# WEB_WORKER_MAX_MEMORY_MB is restarted after its requests in flight (checked once a second,
# core.gunicorn_worker). A worker holds about 140 MiB after a full benchmark on the ten-times data
# (bench/RESULTS.md), so the default 300 MiB catches a leak or a runaway request, not normal use.
# The request cap this replaces (2,000) restarted a worker every second or two at a burst's rate,
# and /healthz's p99 went from about 150 ms to 670 ms with it (bench/PROFILE.md).
max_requests = 0
max_memory_mib = int(os.environ.get("WEB_WORKER_MAX_MEMORY_MB", "300"))

# Django is imported and set up once, in the arbiter, before any worker is forked: a recycled
# worker is then a fork (milliseconds) rather than a fresh Django boot (about a second of CPU,
# during which the other worker takes all the traffic and the tail grows to seconds at benchmark
# rates, bench/RESULTS.md). Forked workers also share the loaded code's memory pages.
# Nothing the arbiter opened may be used by a worker: the hooks below see to that
# (core.gunicorn_worker.close_inherited_connections).
preload_app = True


def when_ready(server):
    # The arbiter, with the application loaded, before the first worker is forked: what Django
    # otherwise does lazily on each new worker's first requests (URL patterns, compiled
    # templates) is done once here and inherited by every fork.
    from core.gunicorn_worker import close_inherited_connections, freeze_loaded_objects, warm_up

    warm_up()
    close_inherited_connections()
    freeze_loaded_objects()


def pre_fork(server, worker):
    # The arbiter, before each fork (at start and on every recycle).
    from core.gunicorn_worker import close_inherited_connections

    close_inherited_connections()


def post_fork(server, worker):
    # The new worker, before it serves: its own clients are opened on first use.
    from core.gunicorn_worker import forget_inherited_clients

    forget_inherited_clients()
    worker.max_memory_mib = max_memory_mib


# gunicorn 27 otherwise creates a control socket in the home folder; nothing here uses it.
control_socket_disable = True

# limit_request_line, limit_request_fields and limit_request_field_size keep gunicorn's defaults
# (4094 bytes, 100 fields, 8190 bytes each): far above the site's URLs and cookies, and an
# oversized head is refused with a 400 before Django sees it.
