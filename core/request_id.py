"""A request id on every log line of a request, and on the response for support tickets."""

import logging
import re
import time
import uuid
from contextvars import ContextVar

import sentry_sdk

_request_context: ContextVar[dict | None] = ContextVar("request_context", default=None)
request_logger = logging.getLogger("bds.request")

# A load balancer's id is reused when it looks sane; anything else is replaced.
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        context = {"request_id": request.id, "path": request.path, "user_id": None}
        token = _request_context.set(context)
        started = time.perf_counter()
        if sentry_sdk.get_client().is_active():  # nothing to do per request while Sentry is off
            sentry_sdk.get_isolation_scope().add_event_processor(_sentry_user_id_only(request))
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                context["user_id"] = user.pk
            response["X-Request-ID"] = request.id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
            )
            return response
        finally:
            _request_context.reset(token)


def _sentry_user_id_only(request):
    """Sentry events of this request name the user by id only, never by email or name."""

    def processor(event, hint):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            event["user"] = {"id": user.pk}
        else:
            event.pop("user", None)
        return event

    return processor


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id and path to every record (dashes outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _request_context.get() or {}
        record.request_id = context.get("request_id", "-")
        record.path = context.get("path", "-")
        record.user_id = context.get("user_id")
        return True
