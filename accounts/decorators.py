from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

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
