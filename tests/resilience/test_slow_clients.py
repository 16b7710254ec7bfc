"""Slow and oversized clients against a real gunicorn: the repo's gunicorn.conf.py and production
settings (tests/resilience/slow_client_settings.py: a 2 s webhook body deadline instead of 5 s).

One worker with two threads, so two stuck requests would show as a /healthz that never answers.
Clients are raw sockets, to send exactly as much of a request as a slow or hostile client does.
Time is never measured: waits are socket timeouts, long enough to fail only when a thread is stuck.
"""

import hashlib
import hmac
import io
import json
import socket
import threading
import time
from dataclasses import dataclass

import pytest
from django.core.handlers.asgi import ASGIRequest
from django.test import RequestFactory

from core.request_body import BodyTooLarge, read_body_within
from tests.foundation.test_settings import PRODUCTION_ENV
from tests.gunicorn_server import deployed_gunicorn

THREADS = 2
# Longer than the deadlines (webhook body 2 s here, request head 5 s) plus gunicorn's one-second loop.
PATIENCE_SECONDS = 10


@dataclass
class Server:
    port: int

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=PATIENCE_SECONDS)


def request_head(method: str, path: str, headers: dict[str, str] | None = None) -> bytes:
    # Production redirects plain HTTP to HTTPS unless the proxy says the client used HTTPS.
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "X-Forwarded-Proto: https"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def webhook_head(content_length: int, signature: str = "t=1,v1=00") -> bytes:
    return request_head(
        "POST",
        "/payments/confirm",
        {"Content-Type": "application/json", "Content-Length": str(content_length), "Stripe-Signature": signature},
    )


def read_response(client: socket.socket) -> tuple[int, bytes]:
    """Status and body of one response (gunicorn frames the small ones here with Content-Length)."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = client.recv(4096)
        assert chunk, f"the server hung up without a response: {received!r}"
        received += chunk
    head, body = received.split(b"\r\n\r\n", 1)
    status = int(head.split(b" ", 2)[1])
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = client.recv(4096)
        assert chunk, "the server hung up in the middle of a response"
        body += chunk
    return status, body


def healthz_status(server: Server) -> int:
    with server.connect() as client:
        client.sendall(request_head("GET", "/healthz"))
        return read_response(client)[0]


def hung_up(client: socket.socket, *, within: float = PATIENCE_SECONDS) -> bool:
    """The server closed the connection (end of stream or reset) within that many seconds."""
    client.settimeout(within)
    try:
        return client.recv(1) == b""
    except ConnectionResetError:
        return True


class TricklingClient:
    """Sends a webhook's head, then its body a byte a second, until stopped or refused."""

    def __init__(self, server: Server, content_length: int):
        self.socket = server.connect()
        self.content_length = content_length
        self.bytes_sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def start(self) -> None:
        self.socket.sendall(webhook_head(self.content_length))
        self._thread.start()

    def _trickle(self) -> None:
        while self.bytes_sent < self.content_length and not self._stop.wait(1):
            try:
                self.socket.send(b"{")
            except OSError:
                return  # the server closed the connection
            self.bytes_sent += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with the repo's gunicorn.conf.py on a free port, one worker of THREADS threads, its
    own SQLite database (a webhook that gets through stores the event), so it runs the same on
    SQLite and PostgreSQL suites."""
    with deployed_gunicorn(
        tmp_path_factory.mktemp("gunicorn"),
        arguments=["--workers", "1", "--threads", str(THREADS)],
        answers_healthz=lambda port: healthz_status(Server(port)) == 200,
        environment={"DJANGO_SETTINGS_MODULE": "tests.resilience.slow_client_settings"},
    ) as (port, _log_path):
        yield Server(port)


def let_the_server_pick_them_up() -> None:
    """Give gunicorn a moment to hand the clients just connected to its threads, so that /healthz
    queues behind them (sooner, it could be served first and prove nothing)."""
    time.sleep(0.5)


def test_a_10_mb_body_is_refused_from_its_content_length_and_the_connection_let_go(server):
    ten_mb = 10 * 1024 * 1024
    with server.connect() as client:
        client.sendall(webhook_head(ten_mb))
        first_bytes = b"{" + b" " * 4095
        client.sendall(first_bytes)

        assert read_response(client) == (413, b"Payload too large.")
        # The server lets go at once: without that gunicorn would keep the thread up to 5 s
        # waiting for more of the 10 MB to drain.
        assert hung_up(client, within=3)
    assert len(first_bytes) < ten_mb // 1000


def test_a_webhook_body_arriving_in_pieces_within_the_deadline_is_read_whole(server):
    body = json.dumps({"id": "evt_slow_but_in_time", "type": "customer.created", "data": {"object": {}}}).encode()
    timestamp = int(time.time())
    digest = hmac.new(
        PRODUCTION_ENV["STRIPE_WEBHOOK_SECRET"].encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    with server.connect() as client:
        client.sendall(webhook_head(len(body), signature=f"t={timestamp},v1={digest}"))
        client.sendall(body[:20])
        time.sleep(0.5)  # well inside the 2 s deadline
        client.sendall(body[20:])

        status, response_body = read_response(client)
    assert status == 200, response_body
    assert json.loads(response_body) == {"received": True, "event": "evt_slow_but_in_time"}


def test_bodies_trickling_in_get_408_at_the_deadline_and_healthz_answers_meanwhile(server):
    slow_clients = [TricklingClient(server, content_length=2000) for _ in range(THREADS + 1)]
    try:
        for client in slow_clients:
            client.start()
        let_the_server_pick_them_up()

        assert healthz_status(server) == 200

        for client in slow_clients:
            assert read_response(client.socket) == (408, b"Request body too slow.")
            assert client.bytes_sent < client.content_length, "refused while still sending"
            assert hung_up(client.socket)
    finally:
        for client in slow_clients:
            client.close()


def test_requests_stalled_inside_their_head_are_cut_and_healthz_answers(server):
    stalled = [server.connect() for _ in range(THREADS + 1)]
    try:
        for client in stalled:
            client.sendall(b"POST /payments/con")  # half a request line, then nothing
        let_the_server_pick_them_up()

        assert healthz_status(server) == 200
        # The first two took the threads; the head deadline hung up on them to free those.
        assert hung_up(stalled[0])
        assert hung_up(stalled[1])
    finally:
        for client in stalled:
            client.close()


# -- read_body_within without gunicorn: the size cap, no deadline ----------------------------------


def test_the_declared_length_alone_refuses_a_body_before_it_is_read():
    request = RequestFactory().post("/payments/confirm", data=b"{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(10 * 1024 * 1024)

    with pytest.raises(BodyTooLarge, match="Content-Length 10485760 is over the limit of 1024 bytes"):
        read_body_within(request, max_bytes=1024, deadline_seconds=5)


def test_more_bytes_than_the_limit_are_refused_whatever_the_declared_length():
    # An ASGI server hands Django a chunked body as is: longer than its (absent) Content-Length says.
    scope = {"type": "http", "method": "POST", "path": "/payments/confirm", "headers": []}
    request = ASGIRequest(scope, io.BytesIO(b"x" * 5000))

    with pytest.raises(BodyTooLarge, match="more than 1024 bytes arrived"):
        read_body_within(request, max_bytes=1024, deadline_seconds=5)


def test_a_body_within_the_limit_is_returned_whole():
    request = RequestFactory().post("/payments/confirm", data=b'{"id": "evt_1"}', content_type="application/json")

    assert read_body_within(request, max_bytes=1024, deadline_seconds=5) == b'{"id": "evt_1"}'
