"""API bearer tokens (JWT, HS256) for the mobile app and integrations.

Access tokens live 15 minutes, refresh tokens 30 days. Each login starts a refresh-token
*family*; refreshing rotates the refresh token within the family, and presenting a refresh
token that was already rotated (a stolen copy being replayed) revokes the whole family.
Revoked token ids (`jti`) and family state live in the cache (Redis in production) until the
tokens would have expired anyway. Access tokens carry their family (`fam`) too: revoking a family
(a replay, or a logout) leaves a marker that refuses the family's access tokens still in flight,
so a thief holding a stolen pair loses the access token along with the refresh token.

Logging in goes through allauth's account adapter, so the API and the login form share one set of
failed-attempt counters per address and per client (accounts/adapter.py), and the TOTP step shares
allauth's MFA counters.

Signing uses settings.JWT_SECRET with header `kid` = settings.APP_SIGNING_KEY_ID. During a key
rotation the previous keys in settings.JWT_PREVIOUS_SECRETS still verify, but never sign.
Only HS256 is accepted: a token naming any other algorithm (including "none") is refused.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.adapter import login_failed_retry_at
from accounts.user_cache import cached_user_key, user_by_pk

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


class LoginThrottled(Exception):
    """Too many failed attempts for this address or from this client: even the right password waits."""

    def __init__(self, retry_after_seconds: int):
        super().__init__(f"Too many failed login attempts; try again in {retry_after_seconds} seconds.")
        self.retry_after_seconds = retry_after_seconds


class LoginUnavailable(Exception):
    """The failed-attempt counters cannot be read: logging in fails closed, as on the website."""


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


def _family_revoked_key(family: str) -> str:
    return f"jwt:family-revoked:{family}"


def _family_revoke(family: str) -> None:
    """No refresh token of the family works again, and no access token issued to it either.

    The marker lives as long as a refresh token can: a refresh racing this revocation may write
    the family key back after we delete it, and the marker still refuses whatever that refresh
    issued (its access token here, its refresh token in token_refresh), for as long as it is valid.
    """
    cache.delete(_family_key(family))
    cache.set(_family_revoked_key(family), "1", int(REFRESH_LIFETIME.total_seconds()))


def _seconds_left(claims: dict) -> int:
    return max(1, int(claims["exp"] - timezone.now().timestamp()) + 1)


def _issue_pair(*, user, family: str) -> TokenPair:
    now = timezone.now()
    base = {"iss": _issuer(), "aud": AUDIENCE, "iat": int(now.timestamp()), "sub": str(user.pk)}
    access = base | {
        "typ": "access",
        "jti": secrets.token_hex(16),
        "fam": family,
        "exp": int((now + ACCESS_LIFETIME).timestamp()),
    }
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
    # Without its family an access token could not be revoked with it, so it is not accepted.
    if expected_type == "access" and not claims.get("fam"):
        raise TokenError("invalid", "The token is invalid.")
    if check_revoked:
        _raise_if_revoked(claims, cache.get_many(_revocation_keys(claims)))
    return claims


def _revocation_keys(claims: dict) -> list[str]:
    """Where a token's own revocation and its family's are recorded (read in one round trip)."""
    keys = [_revoked_key(claims["jti"])]
    if claims["typ"] == "access":
        keys.append(_family_revoked_key(claims["fam"]))
    return keys


def _raise_if_revoked(claims: dict, found: dict) -> None:
    if found.get(_revoked_key(claims["jti"])):
        raise TokenError("revoked", "The token has been revoked.")
    if claims["typ"] == "access" and found.get(_family_revoked_key(claims["fam"])):
        raise TokenError("revoked", "This sign-in has been revoked; sign in again.")


def token_pair_issue(*, request, email: str, password: str, otp: str | None = None) -> tuple:
    """(user, TokenPair) for valid credentials; TokenError, LoginThrottled or LoginUnavailable otherwise.

    The password is checked by allauth's adapter, exactly as the login form checks it: a failure
    counts toward the same lockout, and a locked address or client is refused even with the right
    password. An account with MFA needs a current TOTP code (or an unused recovery code) as `otp`,
    whose failures count toward allauth's MFA lockout for that user.
    """
    from allauth.mfa.base.internal.flows import check_rate_limit
    from allauth.mfa.models import Authenticator

    adapter = get_adapter(request)
    with allauth_context.request_context(request):
        try:
            user = adapter.authenticate(request, email=email, password=password)
        except ValidationError as error:
            _raise_login_refused(error, request, key=adapter.login_attempts_key(request, email=email))
        if user is None:
            raise TokenError("invalid_credentials", "The email or password is not correct.")
        authenticators = list(
            Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
            )
        )
        if authenticators:
            if not otp:
                raise TokenError("otp_required", "This account uses two-factor authentication: send the code as otp.")
            try:
                clear_mfa_failures = check_rate_limit(user)
            except ValidationError as error:
                _raise_login_refused(error, request, key=f"mfa-auth-user-{user.pk}")
            if not any(authenticator.wrap().validate_code(otp) for authenticator in authenticators):
                raise TokenError("invalid_otp", "The two-factor code is not correct.")
            clear_mfa_failures()
    return user, token_pair_for(user=user)


def _raise_login_refused(error: ValidationError, request, *, key: str):
    """Turn allauth's refusal to even try the credentials into the API's exception for it."""
    if error.code == "login_temporarily_unavailable":
        raise LoginUnavailable(error.messages[0]) from None
    retry_at = login_failed_retry_at(request, key=key)
    # No exhausted rate to report means the counter's lock was busy: ask for a quick retry.
    seconds = int((retry_at - timezone.now()).total_seconds()) + 1 if retry_at else 1
    raise LoginThrottled(max(1, seconds)) from None


def token_pair_for(*, user) -> TokenPair:
    """A new token pair (a new refresh family) for a user already authenticated by the caller.

    For trusted code only (the API login above, the bench fixtures): it checks nothing.
    """
    return _issue_pair(user=user, family=secrets.token_hex(16))


def token_refresh(*, refresh_token: str) -> tuple:
    """(user, new TokenPair) rotating the refresh token; a replayed old one revokes the family."""
    # Not stopped by the revocation list: a rotated token must reach the family check and burn it.
    claims = token_decode(refresh_token, expected_type="refresh", check_revoked=False)
    family = claims.get("fam", "")
    current = cache.get(_family_key(family))
    if current != claims["jti"] or cache.get(_family_revoked_key(family)):
        # Either the family was logged out, or this token was already used: treat it as stolen.
        _family_revoke(family)
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
        _family_revoke(claims.get("fam", ""))
        cache.set(_revoked_key(claims["jti"]), "1", _seconds_left(claims))


def access_token_user(token: str) -> tuple:
    """(user, claims) for a valid access token of an active user; TokenError otherwise."""
    claims = token_decode(token, expected_type="access", check_revoked=False)
    # The revocations and the user's cached row (accounts/user_cache.py, as for a session) in one
    # round trip: every API call pays it.
    revocation_keys = _revocation_keys(claims)
    found = cache.get_many([*revocation_keys, cached_user_key(claims["sub"])])
    _raise_if_revoked(claims, found)
    user = found.get(cached_user_key(claims["sub"])) or user_by_pk(claims["sub"])
    if user is None or not user.is_active:
        raise TokenError("inactive_user", "This account is no longer active.")
    return user, claims
