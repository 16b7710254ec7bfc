"""PostgreSQL going away and coming back: requests in between get a quick 503 page, and the site
recovers by itself (persistent connections are health-checked, no stale-connection errors).

The outage is real network failure: the test routes Django's connection through a TCP relay
on loopback and cuts it (live connections dropped, new ones refused), so the shared PostgreSQL
server keeps running for everyone else.
"""

import contextlib
import socket
import threading

import pytest
from django.db import connection

pytestmark = pytest.mark.postgres


class TcpRelay:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = None
        self.listener = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone leaves the port bound.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass


@pytest.fixture
def relayed_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"], settings_dict["CONN_MAX_AGE"])
    relay = TcpRelay((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    relay.start()
    connection.close()
    settings_dict.update(HOST="127.0.0.1", PORT=str(relay.port), CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    yield relay
    relay.stop()
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"], settings_dict["CONN_MAX_AGE"] = original


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_is_a_503_page_and_the_site_recovers_by_itself(client, relayed_database):
    assert client.get("/").status_code == 200
    assert connection.connection is not None, "a persistent connection is open through the relay"

    relayed_database.stop()
    # A page that needs the database (the catalog, with a parameter the visitors' page cache skips).
    during = client.get("/courses/?ref=outage")
    assert during.status_code == 503
    assert during["Retry-After"] == "30"
    assert b"be right back" in during.content
    # The home page stored for visitors (core/page_cache.py) needs no database: it still answers.
    cached = client.get("/")
    assert cached.status_code == 200
    assert cached["X-Page-Cache"] == "hit"

    relayed_database.start()
    after = client.get("/courses/?ref=outage")
    assert after.status_code == 200
