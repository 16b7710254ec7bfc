"""API bearer tokens (JWT, HS256) for the mobile app and integrations.

Access tokens live 15 minutes, refresh tokens 30 days. Each login starts a refresh-token
*family*; refreshing rotates the refresh token within the family, and presenting a refresh
token that was already rotated (a stolen copy being replayed) revokes the whole family.
Revoked token ids (`jti`) and family state live in the cache (Redis in production) until the
tokens would have expired anyway.

Signing uses settings.JWT_SECRET with header `kid` = settings.APP_SIGNING_KEY_ID. During a key
rotation the previous keys in settings.JWT_PREVIOUS_SECRETS still verify, but never sign.
Only HS256 is accepted: a token naming any other algorithm (including "none") is refused.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.cache import cache
from django.utils import timezone

ALGORITHM = "HS256"
AUDIENCE = "bds-api"
ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)
REQUIRED_CLAIMS = ["iss", "aud", "iat", "exp", "jti", "sub", "typ"]


class TokenError(Exception):
    """The token cannot be used. `code` is a stable machine-readable reason."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def _issuer() -> str:
    return settings.SITE_URL


def _encode(claims: dict) -> str:
    return jwt.encode(claims, settings.JWT_SECRET, algorithm=ALGORITHM, headers={"kid": settings.APP_SIGNING_KEY_ID})


def _revoked_key(jti: str) -> str:
    return f"jwt:revoked:{jti}"


def _family_key(family: str) -> str:
    return f"jwt:family:{family}"


def _seconds_left(claims: dict) -> int:
    return max(1, int(claims["exp"] - timezone.now().timestamp()) + 1)


def _issue_pair(*, user, family: str) -> TokenPair:
    now = timezone.now()
    base = {"iss": _issuer(), "aud": AUDIENCE, "iat": int(now.timestamp()), "sub": str(user.pk)}
    access = base | {"typ": "access", "jti": secrets.token_hex(16), "exp": int((now + ACCESS_LIFETIME).timestamp())}
    refresh_jti = secrets.token_hex(16)
    refresh = base | {
        "typ": "refresh",
        "jti": refresh_jti,
        "fam": family,
        "exp": int((now + REFRESH_LIFETIME).timestamp()),
    }
    # The family remembers which refresh token is current; any other member is a replay.
    cache.set(_family_key(family), refresh_jti, int(REFRESH_LIFETIME.total_seconds()))
    return TokenPair(
        access_token=_encode(access),
        refresh_token=_encode(refresh),
        expires_in=int(ACCESS_LIFETIME.total_seconds()),
    )


def token_decode(token: str, *, expected_type: str, check_revoked: bool = True) -> dict:
    """Verified claims of a token of the given type, or TokenError."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise TokenError("malformed", "The token is not a valid JWT.") from error
    if header.get("alg") != ALGORITHM:
        raise TokenError("bad_algorithm", "Only HS256 tokens are accepted.")
    keys = [settings.JWT_SECRET, *settings.JWT_PREVIOUS_SECRETS]
    last_error: jwt.PyJWTError | None = None
    for key in keys:
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=_issuer(),
                options={"require": REQUIRED_CLAIMS},
            )
            break
        except jwt.InvalidSignatureError as error:
            last_error = error  # try the next (older) key
        except jwt.ExpiredSignatureError as error:
            raise TokenError("expired", "The token has expired.") from error
        except jwt.InvalidAudienceError as error:
            raise TokenError("wrong_audience", "The token is not meant for this API.") from error
        except jwt.InvalidIssuerError as error:
            raise TokenError("wrong_issuer", "The token was not issued by this school.") from error
        except jwt.PyJWTError as error:
            raise TokenError("invalid", "The token is invalid.") from error
    else:
        raise TokenError("bad_signature", "The token's signature does not match.") from last_error
    if claims["typ"] != expected_type:
        raise TokenError("wrong_type", f"A {expected_type} token is required here.")
    if check_revoked and cache.get(_revoked_key(claims["jti"])):
        raise TokenError("revoked", "The token has been revoked.")
    return claims


def token_pair_issue(*, email: str, password: str, otp: str | None = None) -> tuple:
    """(user, TokenPair) for valid credentials; TokenError otherwise.

    An account with MFA needs a current TOTP code (or an unused recovery code) as `otp`.
    """
    from allauth.mfa.models import Authenticator

    user = authenticate(email=email, password=password)
    if user is None:
        raise TokenError("invalid_credentials", "The email or password is not correct.")
    authenticators = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    )
    if authenticators:
        if not otp:
            raise TokenError("otp_required", "This account uses two-factor authentication: send the code as otp.")
        if not any(authenticator.wrap().validate_code(otp) for authenticator in authenticators):
            raise TokenError("invalid_otp", "The two-factor code is not correct.")
    return user, _issue_pair(user=user, family=secrets.token_hex(16))


def token_refresh(*, refresh_token: str) -> tuple:
    """(user, new TokenPair) rotating the refresh token; a replayed old one revokes the family."""
    # Not stopped by the revocation list: a rotated token must reach the family check and burn it.
    claims = token_decode(refresh_token, expected_type="refresh", check_revoked=False)
    family = claims.get("fam", "")
    current = cache.get(_family_key(family))
    if current != claims["jti"]:
        # Either the family was logged out, or this token was already used: treat it as stolen.
        cache.delete(_family_key(family))
        raise TokenError("refresh_reused", "This refresh token was already used; sign in again.")
    user = get_user_model().objects.filter(pk=claims["sub"], is_active=True).first()
    if user is None:
        raise TokenError("inactive_user", "This account is no longer active.")
    cache.set(_revoked_key(claims["jti"]), "1", _seconds_left(claims))
    return user, _issue_pair(user=user, family=family)


def token_revoke(*, access_claims: dict | None = None, refresh_token: str | None = None) -> None:
    """Log out: the access token and the refresh token's whole family stop working."""
    if access_claims:
        cache.set(_revoked_key(access_claims["jti"]), "1", _seconds_left(access_claims))
    if refresh_token:
        claims = token_decode(refresh_token, expected_type="refresh")
        cache.delete(_family_key(claims.get("fam", "")))
        cache.set(_revoked_key(claims["jti"]), "1", _seconds_left(claims))


def access_token_user(token: str) -> tuple:
    """(user, claims) for a valid access token of an active user; TokenError otherwise."""
    claims = token_decode(token, expected_type="access")
    user = get_user_model().objects.filter(pk=claims["sub"], is_active=True).first()
    if user is None:
        raise TokenError("inactive_user", "This account is no longer active.")
    return user, claims
