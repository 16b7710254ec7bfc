#!/usr/bin/env python
"""A quick in-process profile of the logged-in pages: Django's test client, production settings,
PostgreSQL + Redis, no HTTP server and no wrk. What it measures is the time Django spends per
request (the part a change to a view can move), as a ratio to `/healthz` in the same run, so a
loaded machine skews both sides alike. `make bench` stays the reference; this is for trying a
change in a minute.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/inprocess.py [REQUESTS] [ROUNDS]

Needs `manage.py bench_data` run against that database first. Each page is requested REQUESTS
times per round after a warm-up, rounds interleave the pages, and the best round of each page is
kept (the least disturbed by other work on the machine).
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bds.settings")
sys.path.insert(0, str(ROOT / "bench"))
from production_like import PRODUCTION_LIKE_ENV  # noqa: E402 - bench/ is a folder of scripts

# Secrets already in the environment win, so sessions made under them stay valid.
os.environ |= (
    PRODUCTION_LIKE_ENV
    | {"SITE_URL": "https://127.0.0.1"}
    | {name: os.environ[name] for name in ("SECRET_KEY", "JWT_SECRET") if name in os.environ}
)

import django  # noqa: E402

django.setup()

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    out = StringIO()
    call_command("bench_fixtures", stdout=out)
    fixtures = json.loads(out.getvalue())
    slug = fixtures["course_slug"]
    pages = [
        ("/healthz", "/healthz", None),
        ("dashboard", "/dashboard/", "cookie"),
        ("course outline", f"/learn/{slug}/", "cookie"),
        ("course page (logged in)", f"/courses/{slug}/", "cookie"),
        ("my account", "/accounts/me/", "cookie"),
        ("lesson", fixtures["lesson_path"], "cookie"),
        ("API my enrollments", "/api/v1/me/enrollments", "bearer"),
    ]
    if only := os.environ.get("PAGES"):
        pages = [page for page in pages if page[0] == "/healthz" or any(w in page[0] for w in only.split(","))]
    clients = {}
    for name, path, auth in pages:
        client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="127.0.0.1")
        extra = {}
        if auth == "cookie":
            client.cookies["sessionid"] = fixtures["session_key"]
        elif auth == "bearer":
            extra["HTTP_AUTHORIZATION"] = f"Bearer {fixtures['access_token']}"
        for _ in range(20):
            response = client.get(path, **extra)
        if response.status_code != 200:
            sys.exit(f"{name}: {path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries, _RedisCommands() as commands:
            client.get(path, **extra)
        clients[name] = (client, path, extra, len(queries), commands.count)
    best = {name: float("inf") for name in clients}
    for _ in range(rounds):
        for name, (client, path, extra, *_) in clients.items():
            started = time.perf_counter()
            for _ in range(requests):
                client.get(path, **extra)
            best[name] = min(best[name], (time.perf_counter() - started) / requests)
    if profiled := os.environ.get("PROFILE"):  # PROFILE=lesson: where that page's time goes
        import cProfile
        import pstats

        client, path, extra, *_ = clients[profiled]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(path, **extra)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
    floor = best["/healthz"]
    print(f"{'page':26} {'ms/req':>8} {'ratio':>6} {'queries':>8} {'redis':>6}")
    for name, seconds in best.items():
        print(f"{name:26} {seconds * 1000:8.2f} {floor / seconds:6.2f} {clients[name][3]:8d} {clients[name][4]:6d}")


class _RedisCommands:
    """Counts the commands sent to Redis (each one a round trip) while it is open."""

    def __enter__(self):
        import redis

        self.count = 0
        self._original = original = redis.Redis.execute_command

        def counted(client, *args, **kwargs):
            self.count += 1
            return original(client, *args, **kwargs)

        redis.Redis.execute_command = counted
        return self

    def __exit__(self, *exc):
        import redis

        redis.Redis.execute_command = self._original


if __name__ == "__main__":
    main()
