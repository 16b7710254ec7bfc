"""The address of the client that sent a request: the one place the app decides it.

Rate limits (allauth's login lockout, the API throttles) and records (the IP on a signed waiver)
all key on it, so they must agree and none may trust what the client wrote itself.

Behind N trusted proxies (settings.ALLAUTH_TRUSTED_PROXY_COUNT, from TRUSTED_PROXY_COUNT; Render
has one load balancer) each proxy appends the address it received the request from to
X-Forwarded-For, so the client is the N-th entry counted from the RIGHT. Everything to the left of
it was written by the client and is ignored: a rotating or forged header cannot buy new counters.
With no trusted proxy (local development) the socket peer, REMOTE_ADDR, is the client.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's IP address as a normalised string, or None if the request carries none."""
    trusted_proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    remote_addr = _normalised(request.META.get("REMOTE_ADDR", ""))
    if trusted_proxies <= 0:
        return remote_addr
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted_proxies:
        # The request did not come through every declared proxy: no entry of the header can be
        # trusted, the socket peer can. No header at all is a direct hit on the origin (the
        # platform's health checks, a local benchmark), routine enough that a warning each time
        # would bury the log; a header shorter than the proxy count means a miscounted deployment.
        log = logger.warning if hops else logger.debug
        log("X-Forwarded-For has %s entries, fewer than the %s trusted proxies", len(hops), trusted_proxies)
        return remote_addr
    forwarded = _normalised(hops[-trusted_proxies])
    if forwarded is None:
        # Our own proxy never writes garbage; a value that is not an address means a misconfiguration.
        logger.warning("X-Forwarded-For entry %r from a trusted proxy is not an IP address", hops[-trusted_proxies])
        return remote_addr
    return forwarded


def _normalised(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None
