"""The JSON API, version 1, at /api/v1/ (django-ninja; OpenAPI 3.1 at /api/v1/openapi.json).

Bearer tokens come from accounts.tokens (api/security.py); each resource's endpoints are a router
under api/routers/, mounted here. Every endpoint calls the same QuerySets and services
as the website, so the app and the site can never disagree about who may see what.
"""

import logging
import math

from django.conf import settings
from django.http import Http404
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI, Redoc
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from accounts.tokens import LoginThrottled, LoginUnavailable, TokenError
from api.problems import problem_response
from api.routers import auth, courses, flights, me
from api.security import PerIPThrottle, PerUserThrottle

logger = logging.getLogger(__name__)


def api_docs_page(view):
    """The reference page at /api/v1/docs: Redoc from our static files (templates/ninja/redoc.html,
    no inline script), under the site's CSP except that Redoc styles itself with inline <style>
    elements and runs its search in a blob: worker. Scripts stay 'self' and nonce only."""
    policy = {
        **settings.SECURE_CSP,
        "style-src": [*settings.SECURE_CSP["style-src"], CSP.UNSAFE_INLINE],
        "worker-src": [CSP.SELF, "blob:"],
    }
    return csp_override(policy)(view)


api = NinjaAPI(
    title="Boston Drone School API",
    version="1.0.0",
    description="Courses, enrollments and progress for the school's mobile app and integrations.",
    urls_namespace="api-v1",
    docs_url="/docs",
    docs=Redoc(),
    docs_decorator=api_docs_page,
    throttle=[PerIPThrottle(settings.API_RATE_LIMIT_PER_IP), PerUserThrottle(settings.API_RATE_LIMIT_PER_USER)],
)


# Operation ids as published before the routers were split out (clients generated from the
# OpenAPI document keep their method names).
api.get_openapi_operation_id = lambda operation: f"bds_api_v1_{operation.view_func.__name__}"

api.add_router("", auth.router)
api.add_router("", courses.router)
api.add_router("", me.router)
api.add_router("", flights.router)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    error = getattr(request, "token_error", None)
    code = error.code if error else "missing_token"
    return problem_response(
        status=401,
        slug="unauthorized",
        title="Authentication required",
        detail=error.detail if error else "Send an access token: Authorization: Bearer <token>.",
        reason=code,
        headers={"WWW-Authenticate": f'Bearer realm="api", error="invalid_token", error_description="{code}"'},
    )


@api.exception_handler(TokenError)
def on_token_error(request, exc: TokenError):
    return problem_response(
        status=401,
        slug="invalid-token",
        title="The token was refused",
        detail=exc.detail,
        reason=exc.code,
        headers={"WWW-Authenticate": f'Bearer realm="api", error="invalid_token", error_description="{exc.code}"'},
    )


@api.exception_handler(Throttled)
def on_throttled(request, exc: Throttled):
    retry_after = max(1, math.ceil(exc.wait or 1))
    return problem_response(
        status=429,
        slug="rate-limited",
        title="Too many requests",
        detail=f"Try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


@api.exception_handler(LoginThrottled)
def on_login_throttled(request, exc: LoginThrottled):
    return problem_response(
        status=429,
        slug="login-locked",
        title="Too many failed login attempts",
        detail=f"Logging in is paused for this account or address; try again in {exc.retry_after_seconds} seconds.",
        headers={"Retry-After": str(exc.retry_after_seconds)},
    )


@api.exception_handler(LoginUnavailable)
def on_login_unavailable(request, exc: LoginUnavailable):
    return problem_response(status=503, slug="unavailable", title=str(exc), headers={"Retry-After": "60"})


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    return problem_response(
        status=422, slug="invalid-request", title="The request is not valid", errors=_plain_errors(exc.errors)
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(status=404, slug="not-found", title="Not found")


HTTP_ERROR_SLUGS = {400: "bad-request", 403: "forbidden", 404: "not-found", 503: "unavailable"}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem_response(status=exc.status_code, slug=HTTP_ERROR_SLUGS.get(exc.status_code, "error"), title=str(exc))


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    logger.exception("API error on %s", request.path)
    return problem_response(status=500, slug="server-error", title="Something went wrong on our side")


def _plain_errors(errors) -> list[dict]:
    return [{"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))} for error in errors]


def _plain_errors(errors) -> list[dict]:
    return [{"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))} for error in errors]
