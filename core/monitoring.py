"""Sentry set-up: errors and traces from web and worker, with personal data kept out."""

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


def before_send(event, hint):
    """Keep only the user id on events; drop request bodies, cookies and anything secret-looking."""
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
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        transport=transport,
    )
