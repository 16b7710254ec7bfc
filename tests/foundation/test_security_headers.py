"""Every page carries the security headers; production adds HSTS and secure cookies."""

import pytest


@pytest.mark.django_db
def test_pages_send_csp_with_a_nonce_and_only_stripe_beyond_our_origin(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    # Inline scripts need the per-request nonce (added when a template uses it); no other origin but Stripe's.
    script_sources = directives["script-src"].split()
    assert {"'self'", "https://js.stripe.com"} <= set(script_sources)
    assert all(
        source in {"'self'", "https://js.stripe.com"} or source.startswith("'nonce-") for source in script_sources
    )
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp


@pytest.mark.django_db
def test_pages_send_the_other_hardening_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_production_sends_hsts_with_preload_and_secure_cookies(client, settings):
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"


def test_production_settings_values():
    """The values production runs with (DEBUG off), read from a fresh settings import."""
    import subprocess
    import sys

    from tests.foundation.test_settings import PRODUCTION_ENV, ROOT

    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "bds.settings", "PATH": "/usr/bin:/bin"} | PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "63072000", "True"], result.stderr


def test_a_cdn_for_static_files_is_allowed_for_scripts_styles_and_fonts(monkeypatch):
    """With CDN_BASE_URL set, {% static %} points at the CDN: the policy must let the browser load
    the site's own scripts, styles and fonts from there, or every page loses its JavaScript and CSS."""
    import importlib

    import bds.settings

    monkeypatch.setenv("CDN_BASE_URL", "https://cdn.bostondroneschool.test/")
    try:
        reloaded = importlib.reload(bds.settings)
        assert reloaded.STATIC_URL == "https://cdn.bostondroneschool.test/static/"
        for directive in ("script-src", "style-src", "font-src", "img-src"):
            assert "https://cdn.bostondroneschool.test" in reloaded.SECURE_CSP[directive], directive
        assert "https://cdn.bostondroneschool.test" not in reloaded.SECURE_CSP["form-action"]
    finally:
        monkeypatch.undo()
        importlib.reload(bds.settings)


def test_without_a_cdn_scripts_and_styles_come_only_from_our_origin():
    from django.conf import settings

    assert settings.SECURE_CSP["style-src"] == ["'self'"]
    assert settings.SECURE_CSP["font-src"] == ["'self'"]
