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

# Restart each worker after about 2,000 requests (jittered so they do not restart together),
# which caps any slow memory growth.
max_requests = 2000
max_requests_jitter = 200

# gunicorn 27 otherwise creates a control socket in the home folder; nothing here uses it.
control_socket_disable = True

# limit_request_line, limit_request_fields and limit_request_field_size keep gunicorn's defaults
# (4094 bytes, 100 fields, 8190 bytes each): far above the site's URLs and cookies, and an
# oversized head is refused with a 400 before Django sees it.
