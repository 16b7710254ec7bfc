"""Sentry set-up: errors and traces from web and worker, with personal data kept out."""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

SCRUBBED = "[scrubbed]"
# Beyond Sentry's defaults (passwords, tokens, cookies): payment details and our own secrets.
EXTRA_DENYLIST = ["card", "card_number", "cvc", "last4", "client_secret", "refresh_token", "access_token", "otp"]
_SENSITIVE_KEYS = ("password", "token", "secret", "authorization", "cookie", "card", "api_key", "email")


def _scrub(value):
    if isinstance(value, dict):
        return {
            key: SCRUBBED if any(part in str(key).lower() for part in _SENSITIVE_KEYS) else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


# -- secrets in URLs --------------------------------------------------------------------------------
# A URL can carry a secret: a private file's signed token (in its path and as ?token=), a password
# reset or email confirmation key (in the path), an S3 signature. It reaches an event in many places
# (the request's url and query string, the request's repr in stack-frame variables, the "Internal
# Server Error: /path" log line, breadcrumbs, exception messages), so the scrubbing below goes over
# every string of an event rather than over known fields or variable names.

# The routes whose path segment after these prefixes is a secret (bds/urls.py; allauth's views).
# tests/ops/test_sentry_urls.py checks every route with a token or key parameter is listed here.
SECRET_PATH_PREFIXES = ("/private-media/", "/accounts/password/reset/key/", "/accounts/confirm-email/")
_SECRET_PATH = re.compile("(" + "|".join(re.escape(prefix) for prefix in SECRET_PATH_PREFIXES) + r")([^/\s?#'\"<>]+)")
# Every query-string value in a URL (a name is kept, so an event still tells which parameter it was).
_QUERY_VALUE = re.compile(r"([?&][^=&?#\s'\"<>]+=)([^&#\s'\"<>]+)")
# A raw query string on its own ("token=...&page=2"), as request.query_string and HTTP breadcrumbs hold it.
_RAW_QUERY_VALUE = re.compile(r"(^|&)([^=&]+=)([^&]*)")
_RAW_QUERY_KEYS = {"query_string", "http.query", "query"}
# Values of these query parameters are also removed wherever else they appear (a frame's `token`).
_SECRET_QUERY_NAMES = re.compile(r"token|key|sig|secret|password|code|credential|session", re.IGNORECASE)
_MIN_SECRET_LENGTH = 6  # shorter values ("1", "yes") would blank out ordinary text everywhere


def scrub_urls(text: str) -> str:
    """`text` with the secret path segments and every query-string value of the URLs in it replaced."""
    text = _SECRET_PATH.sub(lambda match: match[1] + SCRUBBED, text)
    return _QUERY_VALUE.sub(lambda match: match[1] + SCRUBBED, text)


def _scrub_raw_query(query: str) -> str:
    return _RAW_QUERY_VALUE.sub(lambda match: match[1] + match[2] + SCRUBBED, query)


def _strings(value, key=None):
    """(key, string) for every string in a nested event structure."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for item_key, item in value.items():
            yield from _strings(item, item_key)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item, key)


def _secrets_in(value) -> set[str]:
    """The secret values the URLs in `value` carry, to remove them where they appear on their own too."""
    secrets = set()
    for key, text in _strings(value):
        for match in _SECRET_PATH.finditer(text):
            segment = match[2]
            # A reset URL's segment is "<uidb36>-<key>"; the view's frame holds the key alone.
            secrets.update({segment, segment.partition("-")[2]})
        queries = [match[0][1:] for match in _QUERY_VALUE.finditer(text)]
        if key in _RAW_QUERY_KEYS:
            queries.append(text)
        for query in queries:
            for match in _RAW_QUERY_VALUE.finditer(query):
                if _SECRET_QUERY_NAMES.search(match[2]):
                    secrets.add(match[3])
    return {secret for secret in secrets if len(secret) >= _MIN_SECRET_LENGTH}


def _scrub_strings(value, secrets: set[str], key=None):
    if isinstance(value, str):
        text = _scrub_raw_query(value) if key in _RAW_QUERY_KEYS else scrub_urls(value)
        for secret in secrets:
            text = text.replace(secret, SCRUBBED)
        return text
    if isinstance(value, dict):
        return {item_key: _scrub_strings(item, secrets, item_key) for item_key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_strings(item, secrets, key) for item in value]
    if isinstance(value, tuple):
        return tuple(_scrub_strings(item, secrets, key) for item in value)
    return value


def scrub_url_secrets(data):
    """A copy of an event or breadcrumb with the secrets its URLs carry removed from every string."""
    return _scrub_strings(data, _secrets_in(data))


def _redis_command_without_values(crumb: dict) -> dict:
    """A Redis breadcrumb names the command and its key only: the values written are cached rows
    (a user with their password hash and email), sessions and rendered pages, never for Sentry."""
    words = (crumb.get("message") or "").split(" ", 2)
    crumb["message"] = " ".join(words[:2])
    data = crumb.get("data") or {}
    crumb["data"] = {key: value for key, value in data.items() if key in {"redis.command", "redis.key", "db.operation"}}
    return crumb


def before_breadcrumb(crumb, hint):
    if crumb.get("category") == "redis":
        crumb = _redis_command_without_values(crumb)
    return scrub_url_secrets(crumb)


def before_send(event, hint):
    """Keep only the user id on events; drop request bodies, cookies and anything secret-looking."""
    event = scrub_url_secrets(event)
    if "user" in event:
        event["user"] = {"id": event["user"].get("id")}
    request = event.get("request")
    if request:
        request.pop("data", None)
        request.pop("cookies", None)
        request["headers"] = _scrub(request.get("headers", {}))
    if "extra" in event:
        event["extra"] = _scrub(event["extra"])
    return event


def sentry_init(*, dsn: str, release: str, environment: str, traces_sample_rate: float, transport=None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        release=release,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        # No automatic personal data: user id is set explicitly (core.request_id), bodies never sent.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "cookies": {"mode": "off"},
            "url_query_params": {"mode": "denylist", "terms": EXTRA_DENYLIST},
            "stack_frame_variables": {"mode": "denylist", "terms": EXTRA_DENYLIST},
        },
        before_send=before_send,
        before_send_transaction=before_send,
        before_breadcrumb=before_breadcrumb,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        transport=transport,
    )
