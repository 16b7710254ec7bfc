"""Loopback ports for the real servers the tests start (SMTP, localstripe, Redis, relays), and
stopping those servers again."""

import socket
import subprocess


def free_port() -> int:
    """A port nobody listens on right now. aiosmtpd, aiohttp and redis-server cannot be asked for
    port 0 and report the port back, so the OS is asked first; closed again, it also serves as a
    port where a connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process: subprocess.Popen, *, seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `seconds`: a hung server must not outlive
    its test (it would hold its port and its files, and keep CI from finishing)."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
