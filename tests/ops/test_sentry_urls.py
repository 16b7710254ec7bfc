"""Secrets carried in URLs never reach Sentry (issue 18, item 9).

A private file's signed token (in its path and its `?token=`) and a password-reset key (in the path)
used to arrive in the event through the request's repr in stack-frame variables, the error log
line and the request itself: the scrubber matched variable names only. Here the SDK sends over
HTTP to a real endpoint on 127.0.0.1 (its default transport, as in production); the envelopes it
receives are searched for the secrets byte by byte.
"""

import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from allauth.account.views import PasswordResetFromKeyView

from core.monitoring import scrub_urls, sentry_init

QUERY_SECRET = "qs-secret-4f8a2b90"
PATH_TOKEN = "path-token-9c1d7e55"
RESET_KEY = "reset-key-3b5e1a77"
SECRETS = (QUERY_SECRET, PATH_TOKEN, RESET_KEY)


class SentryEndpoint(BaseHTTPRequestHandler):
    """Sentry's envelope endpoint, reduced to what the SDK needs: accept and keep the body."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@pytest.fixture
def sentry_endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryEndpoint)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sentry_init(
        dsn=f"http://publickey@127.0.0.1:{server.server_address[1]}/1",
        release="abc123",
        environment="test",
        traces_sample_rate=1.0,  # transactions too: their request data carries the URL as well
    )
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again for the rest of the suite
    server.shutdown()
    server.server_close()
    thread.join()


def _events(received) -> list[dict]:
    """The JSON items of every envelope: a header line, then item header and payload lines."""
    items = []
    for _, body in received:
        for line in body.split(b"\n"):
            if line.strip():
                items.append(json.loads(line))
    return items


@pytest.mark.django_db
def test_tokens_and_reset_keys_in_urls_never_reach_sentry(client, monkeypatch, sentry_endpoint):
    def storage_explodes(token):
        raise RuntimeError("storage exploded")

    def reset_explodes(self, request, uidb36, key, **kwargs):
        raise RuntimeError("reset exploded")

    monkeypatch.setattr("lessons.views.private_media_token_read", storage_explodes)
    monkeypatch.setattr(PasswordResetFromKeyView, "dispatch", reset_explodes)
    client.raise_request_exception = False
    # An outgoing request's breadcrumb, as the SDK's HTTP integrations record them.
    sentry_sdk.add_breadcrumb(
        type="http",
        category="httplib",
        data={"url": f"https://cdn.example/private-media/{PATH_TOKEN}/", "http.query": f"token={QUERY_SECRET}"},
    )

    media = client.get(
        f"/private-media/{PATH_TOKEN}/?token={QUERY_SECRET}&download=1", HTTP_REFERER=f"/x?token={QUERY_SECRET}"
    )
    reset = client.get(f"/accounts/password/reset/key/7x-{RESET_KEY}/?next=/learn/")
    assert (media.status_code, reset.status_code) == (500, 500)
    sentry_sdk.flush()

    assert all(path == "/api/1/envelope/" for path, _ in sentry_endpoint.received)
    items = _events(sentry_endpoint.received)
    raised = {
        value["value"] for item in items for value in item.get("exception", {}).get("values", []) if "value" in value
    }
    assert {"storage exploded", "reset exploded"} <= raised  # the events did arrive, over HTTP
    everything = b"".join(body for _, body in sentry_endpoint.received)
    assert b"/private-media/" in everything and b"/accounts/password/reset/key/" in everything
    for secret in SECRETS:
        assert secret.encode() not in everything, secret
    # Harmless parts of the URL are kept, so events still say what failed.
    assert b"download=" in everything


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "<WSGIRequest: GET '/private-media/abc:def/?token=xyz'>",
            "<WSGIRequest: GET '/private-media/[scrubbed]/?token=[scrubbed]'>",
        ),
        (
            "https://bds.example/accounts/password/reset/key/1-abc-def/",
            "https://bds.example/accounts/password/reset/key/[scrubbed]/",
        ),
        ("/accounts/confirm-email/MQ:1u2:abc/", "/accounts/confirm-email/[scrubbed]/"),
        (
            "https://s3.example/f.pdf?X-Amz-Signature=abc&X-Amz-Credential=def",
            "https://s3.example/f.pdf?X-Amz-Signature=[scrubbed]&X-Amz-Credential=[scrubbed]",
        ),
        ("refund failed for payment 42", "refund failed for payment 42"),
    ],
)
def test_scrub_urls(text, expected):
    assert scrub_urls(text) == expected


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern).replace("^", "").replace("$", "")
        if hasattr(pattern, "url_patterns"):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_route_with_a_secret_in_its_path_is_scrubbed():
    """A new route taking a token or key must be added to SECRET_PATH_PREFIXES, or its secret would
    reach Sentry in the URL."""
    from django.urls import get_resolver

    from core.monitoring import SECRET_PATH_PREFIXES

    secret_parameter = re.compile(
        r"<(?:\w+:)?(token|key|uidb36|signature|secret)>|\(\?P<(token|key|uidb36|signature|secret)>"
    )
    secret_routes = {}
    for route in _routes(get_resolver().url_patterns):
        match = secret_parameter.search(route)
        if match:
            secret_routes[route] = "/" + route[: match.start()]
    assert "/private-media/" in secret_routes.values()  # the scan sees the routes it must
    assert {prefix for prefix in secret_routes.values() if prefix not in SECRET_PATH_PREFIXES} == set()
