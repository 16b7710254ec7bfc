"""Whole pages stored for one signed-in user: the layout around a stored body, stored with it.

The signed-in pages already store their bodies (the dashboard, the course outline, "My account",
the lesson's panels) under version tokens, so none of them asks the database once stored. What each
request still paid was the layout: base.html with the header, the account menu, the footer and
their includes, rendered on every request (bench/PROFILE.md: about a third of a stored signed-in
page). The layout depends only on the user's row (name, email, staff link: the account version of
accounts/user_cache.py, which every user save bumps), the page it is on, the year and waiting flash
messages. So a page is stored whole, checked against the tokens of everything it shows plus the
user's account version (`stored_page`):

- never for a request with a query string, nor when a flash message is waiting (the message
  cookie or the session's messages): the page renders as before, so the message is shown once and
  the stored copy never carries one;
- only a 200 response without cookies, rendered with a placeholder in place of every CSRF token;
  each request puts its own token in (a token belongs to one browser, its csrftoken cookie), as
  the dashboard's body already did;
- the name includes the user's id, so one student's page is never another's; Django's checks
  (session, the user copy's password hash, login_required, MFA for staff) run before the view as
  always, and the view's own access decision is covered by the tokens (see `stored_page`);
- private files the page links to (a lesson's video and captions) are signed per response.

What no write announces (the year in the footer) waits at most CACHE_TTL_SECONDS, like every
entry. A Redis outage reads tokens as UNCACHED: nothing is stored and the page renders.
"""

import logging
from collections.abc import Callable, Sequence

from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape

from core.cache_versions import read_checked, store_checked
from core.page_cache import STORED_HEADERS
from core.storage import STORAGE_ERRORS, private_url

logger = logging.getLogger(__name__)

# Letters and dashes only: it passes through escaping unchanged, so the swap below finds it.
CSRF_PLACEHOLDER = "csrf-token-placeholder-for-a-stored-page"


def signed_url_or_none(name: str, **kwargs) -> str | None:
    """A signed URL for one private file (`core.storage.private_url`), or None when the storage
    cannot sign (S3 unreachable or misconfigured): the page then says the file is unavailable
    rather than failing."""
    try:
        return private_url(name, **kwargs)
    except STORAGE_ERRORS:
        logger.exception("could not sign a URL for private file %s", name)
        return None


class PrivateLinks:
    """The private files a stored page links to (a lesson's video and its captions).

    Their signed URLs expire (PRIVATE_URL_EXPIRY_SECONDS), so the page is stored with a placeholder
    for each file and every response gets URLs signed for it. Only a page that passed its access
    check is stored, and only its owner is served it, so signing on the way out is the same check.
    """

    def __init__(self):
        self.names: list[str] = []
        self.urls: list[str] = []  # signed for the response that renders the page

    def url(self, name: str) -> str | None:
        """A placeholder for this file's signed URL; None when it cannot be signed now."""
        url = signed_url_or_none(name)
        if url is None:
            return None
        self.names.append(name)
        self.urls.append(url)
        return _private_url_placeholder(len(self.names) - 1)


def _private_url_placeholder(index: int) -> str:
    return f"private-url-placeholder-{index}-for-a-stored-page"


def messages_waiting(request: HttpRequest) -> bool:
    """Whether a flash message may be waiting for this request (Django's default FallbackStorage
    keeps them in a cookie, then in the session)."""
    return bool(request.COOKIES.get(CookieStorage.cookie_name)) or SessionStorage.session_key in request.session


def stored_page(
    request: HttpRequest,
    name: str | None,
    token_keys: Sequence[str],
    render: Callable[[dict], HttpResponse],
) -> HttpResponse:
    """The page stored as `name` while `token_keys` keep the tokens it was stored under, or
    `render(extra_context)`, then stored so.

    `name` says which page and whose (it must name the user); `token_keys` are the version tokens
    of everything the page shows, its access decision included. The tokens and the page are read
    in one round trip (core.cache_versions.read_checked), so a stored page costs one read after
    the session and the user. A page is stored only once its view has rendered it, past its
    access check, under tokens read before that render: a refund, a revocation or a role change
    bumps one of them and the next request renders (and decides) afresh.

    `render` must pass `extra_context` to its template: the CSRF placeholder, which is swapped for
    this request's token in every response, stored or not (so bodies stored with the same
    placeholder, the dashboard's, can be embedded as they are), and `private_links`, for the
    view's signed URLs (PrivateLinks). No name: never stored.
    """
    # Query strings (admin's "Preview as student", tracking parameters) render afresh: the page may
    # show them, and junk parameters would otherwise fill the cache with copies.
    may_store = name is not None and request.method == "GET" and not request.GET and not messages_waiting(request)
    key = f"signed-in-page:{name}"
    if may_store:
        read, stored = read_checked(key, *token_keys)
        if stored is not None:
            urls = [signed_url_or_none(file_name) for file_name in stored["private_files"]]
            if None not in urls:
                response = HttpResponse(_personalised(request, stored["content"], urls))
                for header, value in stored["headers"].items():
                    response.headers[header] = value
                return response
            may_store = False  # a URL could not be signed: the page says so, freshly rendered
    links = PrivateLinks()
    response = render({"csrf_token": CSRF_PLACEHOLDER, "private_links": links})
    if response.streaming:
        return response
    content = response.content.decode(response.charset)
    # An error page or a redirect is never stored, nor a page that set a cookie of its own.
    if may_store and response.status_code == 200 and not response.cookies:
        headers = {header: response[header] for header in STORED_HEADERS if header in response}
        store_checked(key, read, {"content": content, "headers": headers, "private_files": links.names})
    response.content = _personalised(request, content, links.urls)
    return response


def _personalised(request: HttpRequest, content: str, urls: list[str]) -> str:
    """The page with this request's CSRF token and the private files' signed URLs in place."""
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    for index, url in enumerate(urls):
        content = content.replace(_private_url_placeholder(index), escape(url))
    return content
