"""`manage.py bench_queries PAGES_JSON`: how many SQL queries each benchmark page runs, as JSON.

bench/run.py passes its pages ([{"name", "path", "headers"}]). Each is requested twice through
Django's test client against the benchmark database: once after clearing the cache (everything
rendered, the count the test suite holds fixed whatever the data size) and once more (what the
caches leave). The benchmark's own Redis database is the one cleared, never production's.
"""

import json

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Print the SQL query count of each benchmark page, rendered fresh and from the caches."

    def add_arguments(self, parser):
        parser.add_argument("pages", help='JSON: [{"name": ..., "path": ..., "headers": {...}}]')

    def handle(self, *args, pages, **options):
        counts = {}
        for page in json.loads(pages):
            client = Client(SERVER_NAME="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            headers = dict(page["headers"])
            if cookie := headers.pop("Cookie", None):
                name, _, value = cookie.partition("=")
                client.cookies[name] = value
            extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
            cache.clear()
            fresh, stored = (self._queries(client, page["path"], extra) for _ in range(2))
            counts[page["name"]] = {"fresh": fresh, "stored": stored}
        self.stdout.write(json.dumps(counts))

    @staticmethod
    def _queries(client: Client, path: str, extra: dict) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **extra)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return len(queries)
