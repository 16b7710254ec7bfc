"""Whole-page cache for visitors who are not logged in.

The public pages (home, catalog, search, course pages) are the same HTML for everyone without an
account session, and they take the bursts (a promotion email, a new Part 107 course). Rendering
them is most of their cost (bench/PROFILE.md: 87 % of a home request is template rendering), so a
visitor without a session gets the HTML stored from an earlier anonymous render: no template, no
query, one or two cache reads.

What is stored can never carry anything of one visitor, because
- only GET/HEAD requests without a session cookie, a messages cookie or an Authorization header
  are served from, or stored to, this cache (anyone who could be logged in or have a flash message
  waiting renders the page as usual);
- only a 200 response is stored, and only when rendering it did not use a CSRF token or a CSP
  nonce, did not change the session and set no cookie;
- requests with query parameters the page does not declare are never cached, so junk
  parameters (`?utm_x=<random>`) cannot fill the cache with copies.

Keys hold the page's version token (bumped by every write that changes what the page shows, see
courses/cache.py) and the full path; CACHE_TTL_SECONDS bounds what no write announces (an
upcoming session becoming past, "students also took"). Cache errors are misses (settings:
DJANGO_REDIS_IGNORE_EXCEPTIONS), so a Redis outage only costs speed.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# Headers a view may set that describe the page itself; anything else is left out of the copy.
STORED_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag", "Link")


def is_cacheable_request(request: HttpRequest, query_params: frozenset[str]) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and set(request.GET).issubset(query_params)
    )


def rendered_for_anyone(request: HttpRequest, response: HttpResponse) -> bool:
    """True when nothing in this response belongs to the visitor who caused it."""
    nonce = getattr(request, "_csp_nonce", None)
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # get_token() was called
        and not nonce
        and not (session is not None and session.modified)
    )


def page_cache_key(name: str, version: str, request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    return f"pages:{name}:{version}:{digest}"


def cache_page_for_visitors(version: Callable[[], str], *, query_params: Iterable[str] = ()):
    """Serve this view from the whole-page cache to visitors without a session (see module doc).

    `version` returns the token that changes whenever the page's content does; `query_params`
    are the GET parameters the page understands (others bypass the cache).
    """
    allowed = frozenset(query_params)

    def decorator(view):
        name = f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_cacheable_request(request, allowed):
                return view(request, *args, **kwargs)
            key = page_cache_key(name, version(), request)
            stored = cache.get(key)
            if stored is not None:
                response = HttpResponse(stored["content"])
                for header, value in stored["headers"].items():
                    response.headers[header] = value
                outcome = "hit"
            else:
                response = view(request, *args, **kwargs)
                outcome = "bypass"
                if request.method == "GET" and rendered_for_anyone(request, response):
                    headers = {header: response[header] for header in STORED_HEADERS if header in response}
                    cache.set(key, {"content": response.content, "headers": headers})
                    outcome = "miss"
            # The same page for a logged-in visitor differs: shared caches must key on the cookie.
            patch_vary_headers(response, ("Cookie",))
            response["X-Page-Cache"] = outcome
            return response

        return wrapper

    return decorator
