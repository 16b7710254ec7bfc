"""Reading a request body with a size limit and a deadline, so that a huge or slowly sent body
costs a server thread a bounded time, never the whole upload.

Under gunicorn the deadline is a timer that shuts the connection's read side when it runs out.
A socket timeout would not do: it bounds each recv(), and gunicorn reads a body in pieces of at
least 1 KiB, so a client sending a byte a second never trips it.
"""

import socket
import threading
from contextlib import suppress

from django.http import HttpRequest

_READ_CHUNK_BYTES = 64 * 1024


class BodyRefused(Exception):
    """The body was not read; the message says why, for the log."""


class BodyTooLarge(BodyRefused):
    pass


class BodyTooSlow(BodyRefused):
    pass


def read_body_within(request: HttpRequest, *, max_bytes: int, deadline_seconds: float) -> bytes:
    """The whole body, or BodyTooLarge / BodyTooSlow.

    BodyTooLarge when Content-Length declares more than `max_bytes` (nothing is read) or when more
    than `max_bytes` arrive (Content-Length is not the only word: an ASGI server passes a chunked
    body longer than it says). BodyTooSlow when the body has not arrived `deadline_seconds` after
    the call; only under gunicorn, whose client socket is in the WSGI environ, as the development
    server and the test client have no slow clients to fear.

    A refused client's connection is no longer read, so gunicorn does not spend a thread draining
    the rest of its body before closing. The body stream is consumed: read `request.body` no more.
    """
    client_socket = request.META.get("gunicorn.socket")
    declared = _declared_length(request)
    if declared > max_bytes:
        _stop_reading(client_socket)
        raise BodyTooLarge(f"Content-Length {declared} is over the limit of {max_bytes} bytes")
    with _ReadDeadline(client_socket, deadline_seconds) as deadline:
        body = _read_at_most(request, max_bytes + 1)
    if len(body) > max_bytes:
        _stop_reading(client_socket)
        raise BodyTooLarge(f"more than {max_bytes} bytes arrived (Content-Length said {declared})")
    if deadline.ran_out and len(body) < declared:
        raise BodyTooSlow(f"{len(body)} of {declared} bytes arrived within {deadline_seconds} s")
    return body


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as Django treats it: nothing to read


def _read_at_most(request: HttpRequest, limit: int) -> bytes:
    chunks: list[bytes] = []
    received = 0
    while received < limit and (chunk := request.read(min(_READ_CHUNK_BYTES, limit - received))):
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


def _stop_reading(client_socket: socket.socket | None) -> None:
    """Further reads see the end of the stream at once; the response can still be written."""
    if client_socket is not None:
        with suppress(OSError):  # the client may be gone already
            client_socket.shutdown(socket.SHUT_RD)


class _ReadDeadline:
    """Stops reading from `client_socket` when `seconds` pass before the block ends."""

    def __init__(self, client_socket: socket.socket | None, seconds: float):
        self.client_socket = client_socket
        self.ran_out = False
        self._finished = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._run_out)
        self._timer.daemon = True

    def __enter__(self):
        if self.client_socket is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc_info):
        with self._lock:
            self._finished = True
        self._timer.cancel()

    def _run_out(self) -> None:
        # The lock keeps a timer firing just as the read ends from cutting a finished request.
        with self._lock:
            if self._finished:
                return
            self.ran_out = True
            _stop_reading(self.client_socket)
