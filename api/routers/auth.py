"""/auth/: exchange credentials for a token pair, rotate it, revoke it."""

import logging

from django.conf import settings
from ninja import Router, Schema, Status

from accounts.tokens import token_pair_issue, token_refresh, token_revoke
from api.security import LoginThrottle, bearer

logger = logging.getLogger("api.v1")

router = Router()


class TokenIn(Schema):
    email: str
    password: str
    otp: str | None = None


class RefreshIn(Schema):
    refresh_token: str


class LogoutIn(Schema):
    refresh_token: str | None = None


class TokenOut(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int


@router.post("/auth/token", response=TokenOut, auth=None, throttle=[LoginThrottle(settings.API_RATE_LIMIT_LOGIN)])
def auth_token(request, payload: TokenIn):
    """Exchange email + password (+ the TOTP code when the account has MFA) for a token pair.

    Failures count toward the same lockout as the website's login form; a locked account or
    client gets 429 with Retry-After, even with the right password.
    """
    user, pair = token_pair_issue(request=request, email=payload.email, password=payload.password, otp=payload.otp)
    logger.info("API token issued for user %s", user.pk)
    return pair.__dict__


@router.post("/auth/refresh", response=TokenOut, auth=None, throttle=[LoginThrottle(settings.API_RATE_LIMIT_LOGIN)])
def auth_refresh(request, payload: RefreshIn):
    """Rotate the refresh token. Reusing an old refresh token revokes the whole family."""
    _user, pair = token_refresh(refresh_token=payload.refresh_token)
    return pair.__dict__


@router.post("/auth/logout", response={204: None}, auth=bearer)
def auth_logout(request, payload: LogoutIn):
    """Revoke this access token and, when given, the refresh token's family."""
    token_revoke(access_claims=request.token_claims, refresh_token=payload.refresh_token)
    return Status(204, None)
