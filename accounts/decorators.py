from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from ninja.errors import HttpError

from accounts.middleware import mfa_missing
from accounts.verification import has_verified_email


def safe_next_url(request, candidate: str | None, fallback: str) -> str:
    """`candidate` if it points at this site, else `fallback`: no open redirects through next=."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def verified_email_required_for_checkout(view):
    """Lets a logged-in person through only once their email address is confirmed.

    Otherwise they go back where they came from with a message that explains why and carries a
    "Resend confirmation email" button. Anonymous visitors pass through to the view's own
    login_required. Browsing never needs a confirmed address; paying and certificates do.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not has_verified_email(user):
            back = safe_next_url(request, request.headers.get("referer"), reverse("accounts:me"))
            notice = render_to_string(
                "accounts/messages/confirm_email_first.html", {"email": user.email, "next": back}, request=request
            )
            # The template escapes everything it shows; the message carries a small form.
            messages.warning(request, mark_safe(notice))  # noqa: S308
            return redirect(back)
        return view(request, *args, **kwargs)

    return wrapped


MFA_SETUP_NOTICE = (
    "Staff and instructor accounts need two-factor authentication before using this page. "
    "Set up an authenticator app below, then open the page again."
)


def staff_view_with_mfa(view):
    """For every view outside /admin/ where a staff or instructor role unlocks anything (a roster,
    a draft course, an unpublished lesson): such an account without a second factor goes to the
    authenticator set-up first, as /admin/ sends it (accounts.middleware.AdminRequiresMFAMiddleware).

    Refused before the view runs, so a POST changes nothing. Students and visitors pass through.
    The `staff_view_requires_mfa` mark lets tests/accounts/test_staff_mfa.py check that every
    URL whose view checks a role carries this decorator.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if mfa_missing(request.user):
            messages.warning(request, MFA_SETUP_NOTICE)
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    wrapped.staff_view_requires_mfa = True
    return wrapped


def staff_api_with_mfa(operation):
    """The API's counterpart (a bearer token, so a 403 rather than a redirect): an instructor whose
    token came from a password alone cannot open, through the API, what the role unlocks."""

    @wraps(operation)
    def wrapped(request, *args, **kwargs):
        if mfa_missing(request.auth):
            raise HttpError(403, MFA_SETUP_NOTICE)
        return operation(request, *args, **kwargs)

    wrapped.staff_view_requires_mfa = True
    return wrapped
