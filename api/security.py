"""Who may call the API and how often: bearer tokens (accounts.tokens) and rate limits per address and per user."""

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts.client_address import client_ip
from accounts.tokens import TokenError, access_token_user


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        try:
            user, claims = access_token_user(token)
        except TokenError as error:
            request.token_error = error
            return None
        request.user = user
        request.token_claims = claims
        return user


class WindowCounterThrottle(SimpleRateThrottle):
    """A fixed-window counter: one atomic INCR in the cache per request.

    ninja's SimpleRateThrottle keeps a list of every request time in the window and rewrites it on
    each request: its cost grows with the limit (a 300/m list is pickled to Redis per call), and
    two concurrent requests both read the same old list, so a burst is undercounted. A counter per
    window is O(1) and exact; a client can at most spend two windows' worth across a boundary.
    A cache outage lets requests through, as the sliding list did.
    """

    def allow_request(self, request) -> bool:
        self.key = self.get_cache_key(request)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends_at = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        try:
            count = self.cache.incr(key)
        except ValueError:
            # The window's first request: add() so that concurrent first requests agree on one counter.
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        return count is None or count <= self.num_requests  # None: the cache is down

    def wait(self) -> float:
        return max(self.window_ends_at - self.now, 1.0)


class PerIPThrottle(WindowCounterThrottle):
    """Every caller, by client address."""

    scope = "api-ip"

    def get_ident(self, request):
        # ninja's own reading keys on the whole X-Forwarded-For (NUM_PROXIES unset), which the
        # client writes: a new header per request would be a new counter. Use the app's one helper.
        return client_ip(request) or "unknown"

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PerUserThrottle(WindowCounterThrottle):
    """Signed-in callers, by user id, whatever address they come from."""

    scope = "api-user"

    def get_cache_key(self, request):
        user = getattr(request, "auth", None)
        if user is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}


class LoginThrottle(PerIPThrottle):
    scope = "api-login"


bearer = BearerAuth()
