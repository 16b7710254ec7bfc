"""Loopback ports for the real servers the tests start (SMTP, localstripe, Redis, relays)."""

import socket


def free_port() -> int:
    """A port nobody listens on right now. aiosmtpd, aiohttp and redis-server cannot be asked for
    port 0 and report the port back, so the OS is asked first; closed again, it also serves as a
    port where a connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
