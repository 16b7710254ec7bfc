"""Every forged or stale token is refused; refresh rotation detects reuse."""

import time

import jwt
import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.tokens import AUDIENCE

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def forge(claims: dict, key: str | None = None, algorithm: str = "HS256", headers: dict | None = None) -> str:
    return jwt.encode(claims, key or settings.JWT_SECRET, algorithm=algorithm, headers=headers)


def valid_claims(user) -> dict:
    now = int(time.time())
    return {
        "iss": settings.SITE_URL,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        "jti": "a" * 32,
        "sub": str(user.pk),
        "typ": "access",
        "fam": "f" * 32,
    }


def test_token_pair_has_the_documented_claims(tokens, api_user):
    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], settings.JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert header == {"alg": "HS256", "typ": "JWT", "kid": settings.APP_SIGNING_KEY_ID}
    assert claims["sub"] == str(api_user.pk)
    assert claims["iss"] == settings.SITE_URL
    assert claims["exp"] - claims["iat"] == 15 * 60
    refresh = jwt.decode(tokens["refresh_token"], settings.JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900


def test_me_with_a_valid_token(client, tokens, api_user):
    response = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response.json()["email"] == api_user.email


def test_wrong_password_is_a_problem_document(client, api_user):
    response = client.post(
        "/api/v1/auth/token", {"email": api_user.email, "password": "wrong-password"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["reason"] == "invalid_credentials"


def test_missing_token_gets_401_with_www_authenticate(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"].endswith("problem/unauthorized")
    assert body["reason"] == "missing_token"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda claims: claims | {"exp": int(time.time()) - 10}, "expired"),
        (lambda claims: claims | {"aud": "someone-else"}, "wrong_audience"),
        (lambda claims: claims | {"iss": "https://evil.example"}, "wrong_issuer"),
        (lambda claims: claims | {"typ": "refresh"}, "wrong_type"),
        (lambda claims: {key: value for key, value in claims.items() if key != "jti"}, "invalid"),
    ],
)
def test_stale_or_misdirected_tokens_are_refused(client, api_user, mutate, reason):
    token = forge(mutate(valid_claims(api_user)))
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["reason"] == reason


def test_a_token_signed_with_another_key_is_refused(client, api_user):
    token = forge(valid_claims(api_user), key="f" * 64)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.json()["reason"] == "bad_signature"


def test_alg_none_is_refused(client, api_user):
    token = jwt.encode(valid_claims(api_user), None, algorithm="none")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["reason"] == "bad_algorithm"


def test_other_algorithms_are_refused_even_with_the_right_key(client, api_user):
    token = forge(valid_claims(api_user), algorithm="HS512")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.json()["reason"] == "bad_algorithm"


def test_a_tampered_payload_is_refused(client, api_user, staff, tokens):
    header, payload, signature = tokens["access_token"].split(".")
    forged_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(f'"sub":"{api_user.pk}"'.encode(), f'"sub":"{staff.pk}"'.encode())
    ).decode()
    response = client.get("/api/v1/me", headers=bearer(f"{header}.{forged_payload}.{signature}"))
    assert response.status_code == 401
    assert response.json()["reason"] == "bad_signature"


def test_previous_keys_verify_during_rotation_but_never_sign(client, api_user, settings):
    old_key = "0" * 64
    token = forge(valid_claims(api_user), key=old_key)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    settings.JWT_PREVIOUS_SECRETS = [old_key]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_refresh_rotates_and_reuse_revokes_the_family(client, tokens):
    first = client.post(
        "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, content_type="application/json"
    )
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]

    replay = client.post(
        "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, content_type="application/json"
    )
    assert replay.status_code == 401
    assert replay.json()["reason"] in {"refresh_reused", "revoked"}

    # The replay burned the family: the newest refresh token is dead too.
    after = client.post(
        "/api/v1/auth/refresh", {"refresh_token": rotated["refresh_token"]}, content_type="application/json"
    )
    assert after.status_code == 401
    assert after.json()["reason"] == "refresh_reused"


def test_logout_revokes_the_access_token_and_the_refresh_family(client, tokens):
    response = client.post(
        "/api/v1/auth/logout",
        {"refresh_token": tokens["refresh_token"]},
        content_type="application/json",
        headers=bearer(tokens["access_token"]),
    )
    assert response.status_code == 204
    me = client.get("/api/v1/me", headers=bearer(tokens["access_token"]))
    assert me.status_code == 401
    assert me.json()["reason"] == "revoked"
    refresh = client.post(
        "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, content_type="application/json"
    )
    assert refresh.status_code == 401


def test_accounts_with_mfa_need_the_totp_code(client, api_user, password):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value, yield_hotp_counters_from_time

    secret = generate_totp_secret()
    TOTP.activate(api_user, secret)
    assert Authenticator.objects.filter(user=api_user).exists()
    payload = {"email": api_user.email, "password": password}

    without = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert without.status_code == 401
    assert without.json()["reason"] == "otp_required"

    wrong = client.post("/api/v1/auth/token", payload | {"otp": "000000"}, content_type="application/json")
    assert wrong.json()["reason"] == "invalid_otp"

    counter = next(iter(yield_hotp_counters_from_time()))
    code = f"{hotp_value(secret, counter):06d}"
    right = client.post("/api/v1/auth/token", payload | {"otp": code}, content_type="application/json")
    assert right.status_code == 200


def test_login_is_rate_limited_per_address_with_retry_after(client, api_user):
    # A different (unknown) account each time, so the per-account lockout does not come first.
    statuses = [
        client.post(
            "/api/v1/auth/token",
            {"email": f"nobody-{n}@example.com", "password": "wrong-password"},
            content_type="application/json",
        ).status_code
        for n in range(11)
    ]
    payload = {"email": api_user.email, "password": "wrong-password"}
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert int(response["Retry-After"]) >= 1
    assert response.json()["type"].endswith("problem/rate-limited")


def test_api_limits_count_each_request_once_per_window_and_reset_in_the_next(rf, monkeypatch):
    from api.security import PerIPThrottle

    clock = [600.0]  # the start of a one-minute window
    monkeypatch.setattr(PerIPThrottle, "timer", staticmethod(lambda: clock[0]))
    throttle = PerIPThrottle("3/m")
    request = rf.get("/api/v1/courses", REMOTE_ADDR="203.0.113.9")
    assert [throttle.allow_request(request) for _ in range(4)] == [True, True, True, False]
    assert throttle.wait() == 60.0
    clock[0] = 650.0
    assert throttle.allow_request(request) is False
    assert throttle.wait() == 10.0
    other = rf.get("/api/v1/courses", REMOTE_ADDR="203.0.113.10")
    assert throttle.allow_request(other) is True  # counted per address
    clock[0] = 660.0  # the next window
    assert throttle.allow_request(request) is True


def test_access_tokens_carry_their_family(tokens):
    access = jwt.decode(tokens["access_token"], settings.JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    refresh = jwt.decode(tokens["refresh_token"], settings.JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert access["fam"] == refresh["fam"]


def test_an_access_token_without_a_family_is_refused(client, api_user):
    # It could not be revoked with its family, so it is not honoured at all.
    claims = {key: value for key, value in valid_claims(api_user).items() if key != "fam"}
    response = client.get("/api/v1/me", headers=bearer(forge(claims)))
    assert response.status_code == 401
    assert response.json()["reason"] == "invalid"


def test_a_refresh_replay_also_kills_the_familys_access_tokens_and_only_that_family(client, api_user, password, tokens):
    other_device = client.post(TOKEN, {"email": api_user.email, "password": password}, content_type="application/json")
    assert other_device.status_code == 200
    rotated = client.post(REFRESH, {"refresh_token": tokens["refresh_token"]}, content_type="application/json")
    assert rotated.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 200

    # The stolen first refresh token is replayed: the whole family is burnt...
    replay = client.post(REFRESH, {"refresh_token": tokens["refresh_token"]}, content_type="application/json")
    assert replay.status_code == 401

    # ...including its access tokens that have not expired yet, on the very next request.
    for access_token in (tokens["access_token"], rotated.json()["access_token"]):
        response = client.get("/api/v1/me", headers=bearer(access_token))
        assert response.status_code == 401
        assert response.json()["reason"] == "revoked"
    # Another sign-in of the same person (another device) is a different family and keeps working.
    assert client.get("/api/v1/me", headers=bearer(other_device.json()["access_token"])).status_code == 200
    again = client.post(
        REFRESH, {"refresh_token": other_device.json()["refresh_token"]}, content_type="application/json"
    )
    assert again.status_code == 200


def test_logout_revokes_the_familys_other_access_tokens(client, tokens):
    rotated = client.post(REFRESH, {"refresh_token": tokens["refresh_token"]}, content_type="application/json").json()
    response = client.post(
        "/api/v1/auth/logout",
        {"refresh_token": rotated["refresh_token"]},
        content_type="application/json",
        headers=bearer(rotated["access_token"]),
    )
    assert response.status_code == 204
    # The pre-rotation access token was never presented at logout, but belongs to the family.
    assert client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


# -- API login goes through allauth's lockout, shared with the login form ----------------------------


def api_login(client, email, password, forwarded_for=None, **extra):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        TOKEN, {"email": email, "password": password, **extra}, content_type="application/json", headers=headers
    )


def test_rotating_x_forwarded_for_does_not_escape_the_api_lockout(client, api_user, password, settings):
    """The review's attack: 15 wrong passwords, each 'from' a new address, then the right one."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # as on Render
    statuses = [
        api_login(client, api_user.email, f"guess-{n}", forwarded_for=f"10.9.{n}.1, 203.0.113.10").status_code
        for n in range(15)
    ]
    limit = settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS
    assert statuses == [401] * limit + [429] * (15 - limit)

    # The account itself is locked: the right password is refused even from a genuinely new client
    # (whose address the proxy appended), before the API's per-client request throttle is involved.
    right = api_login(client, api_user.email, password, forwarded_for="10.9.99.1, 203.0.113.99")
    assert right.status_code == 429
    assert right["Content-Type"] == "application/problem+json"
    assert right.json()["type"].endswith("problem/login-locked")
    # The oldest failure leaves the 15-minute window no later than 15 minutes from now.
    assert 1 <= int(right["Retry-After"]) <= settings.ACCOUNT_LOGIN_ATTEMPTS_WINDOW_SECONDS + 1


def test_the_per_client_lockout_holds_across_accounts_and_forged_headers(
    client, api_user, outsider, password, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip,5/15m/key"}
    for n in range(3):
        api_login(client, f"nobody-{n}@example.com", "whatever-123", forwarded_for=f"10.8.{n}.1, 203.0.113.10")
    # Spraying from one client locks that client out, whichever account and left-hand header it tries.
    locked = api_login(client, outsider.email, password, forwarded_for="192.0.2.77, 203.0.113.10")
    assert locked.status_code == 429
    # Another client (another address appended by the proxy) is unaffected.
    assert api_login(client, outsider.email, password, forwarded_for="203.0.113.20").status_code == 200


def test_api_failures_count_toward_the_web_lockout(client, api_user, password, settings):
    for n in range(settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS):
        assert api_login(client, api_user.email.upper(), f"guess-{n}").status_code == 401
    web = client.post("/accounts/login/", {"login": api_user.email, "password": password})
    assert web.status_code == 200
    assert "Too many failed login attempts" in web.content.decode()
    assert "_auth_user_id" not in client.session


def test_web_failures_count_toward_the_api_lockout(client, api_user, password, settings):
    for n in range(settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS):
        client.post("/accounts/login/", {"login": api_user.email, "password": f"guess-{n}"})
    response = api_login(client, api_user.email, password)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_a_successful_api_login_does_not_use_up_an_attempt(client, api_user, password, settings):
    for _ in range(settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS + 2):
        assert api_login(client, api_user.email, password).status_code == 200


def test_the_api_totp_step_is_rate_limited_like_the_websites(client, api_user, password, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value, yield_hotp_counters_from_time

    secret = generate_totp_secret()
    TOTP.activate(api_user, secret)
    for _ in range(settings.ACCOUNT_LOGIN_ATTEMPTS_PER_ADDRESS):
        assert api_login(client, api_user.email, password, otp="000000").json()["reason"] == "invalid_otp"
    code = f"{hotp_value(secret, next(iter(yield_hotp_counters_from_time()))):06d}"
    locked = api_login(client, api_user.email, password, otp=code)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) >= 1


def test_rotating_x_forwarded_for_does_not_reset_the_api_throttle(rf, settings):
    from api.security import PerIPThrottle

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    throttle = PerIPThrottle("3/m")
    allowed = [
        throttle.allow_request(rf.get("/api/v1/courses", HTTP_X_FORWARDED_FOR=f"10.7.{n}.1, 203.0.113.10"))
        for n in range(4)
    ]
    assert allowed == [True, True, True, False]


def test_a_refresh_that_raced_the_revocation_cannot_revive_the_family(client, tokens):
    """A refresh that read the family just before a replay revoked it writes the family key back
    afterwards (get and set are separate cache calls). Replay that interleaving step by step."""
    from django.core.cache import cache

    refresh = jwt.decode(tokens["refresh_token"], settings.JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    rotated = client.post(REFRESH, {"refresh_token": tokens["refresh_token"]}, content_type="application/json").json()
    rotated_claims = jwt.decode(rotated["refresh_token"], settings.JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert (
        client.post(REFRESH, {"refresh_token": tokens["refresh_token"]}, content_type="application/json").status_code
        == 401
    )
    # The racing refresh's late write: the family points at the rotated token again.
    cache.set(f"jwt:family:{refresh['fam']}", rotated_claims["jti"], 3600)

    revived = client.post(REFRESH, {"refresh_token": rotated["refresh_token"]}, content_type="application/json")
    assert revived.status_code == 401
    assert client.get("/api/v1/me", headers=bearer(rotated["access_token"])).status_code == 401
