"""How allauth fits this site: branded emails sent after commit, new students, login lockout text."""

import secrets
import time
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.client_address import client_ip
from core.mail import email_send_rendered

STUDENTS_GROUP = "Students"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Anyone may sign up as a student; instructors and staff are promoted in admin.
        return True

    def get_login_redirect_url(self, request) -> str:
        """Staff and instructors arrive in the back office, where their work is (and where a first
        visit leads straight on to setting up the second factor); students on their dashboard.
        A `next` the login page was given still wins: allauth asks this only without one."""
        if request.user.is_authenticated and request.user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A fresh login counts as recent authentication for the two-factor pages: staff and
        instructors go from the login form straight to setting up their authenticator app, with no
        second password prompt. Later (after ACCOUNT_REAUTHENTICATION_TIMEOUT) allauth asks again."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = allauth_context.request
        if not required or app != "allauth.mfa" or request is None or not request.user.is_authenticated:
            return required
        return not logged_in_recently(request)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link in the confirmation email carries where the student was going (the course they
        were buying: sign-up's and "Resend confirmation"'s `next`), so confirming, on any device,
        returns them there; allauth's confirm view honours `next` and checks it again."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None:
            return url
        candidate = request.POST.get("next") or request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
            # Kept as a path on this site: never a host, never a scheme-relative "//elsewhere".
            parts = urlsplit(candidate)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not path.startswith("//"):
                url = f"{url}?{urlencode({'next': path})}"
        return url

    def save_user(self, request, user, form, commit=True):
        user.full_name = form.cleaned_data["full_name"].strip()
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            students, _created = Group.objects.get_or_create(name=STUDENTS_GROUP)
            user.groups.add(students)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's templates now (they need the request), deliver after commit in a task.

        An email for a change that is rolled back (a failed sign-up) therefore never goes out.
        """
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)} | context,
        )
        html = None
        if isinstance(message, EmailMultiAlternatives):
            html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), None)
        email_send_rendered(
            label=f"account_{template_prefix.rsplit('/', 1)[-1]}",
            to=list(message.to),
            subject=message.subject,
            text=message.body,
            html=html,
        )

    def get_from_email(self) -> str:
        return settings.EMAIL_FROM_ADDRESS

    def pre_authenticate(self, request, **credentials) -> None:
        """As allauth's, but a locked-out person is told when they may try again, and logging in
        fails closed while the cache that keeps the failed-attempt counters is unreachable: the
        rest of the site degrades gracefully without Redis, brute-force protection must not."""
        if not _cache_answers():
            raise ValidationError(
                "Logging in is briefly unavailable while we fix a technical problem. Please try again in a minute.",
                code="login_temporarily_unavailable",
            )
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            retry_at = self._login_retry_at(request, **credentials)
            if retry_at is None:
                raise
            local = timezone.localtime(retry_at)
            raise ValidationError(
                "Too many failed login attempts for this account. For your security, logging in is paused "
                f"until {time_format(local, 'g:i A')} ({local.tzname()}). You can reset your password meanwhile.",
                code="too_many_login_attempts",
            ) from None

    def _login_retry_at(self, request, **credentials):
        return login_failed_retry_at(request, key=self._get_login_attempts_cache_key(request, **credentials))

    def login_attempts_key(self, request, *, email: str) -> str:
        """The lockout key allauth's login form uses for this address, for the API to share it."""
        return self._get_login_attempts_cache_key(request, email=email)

    def get_client_ip(self, request) -> str:
        # allauth's per-address limits key on this; the app's throttles and records use the same helper.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


def logged_in_recently(request) -> bool:
    """Whether this session's latest login (password, or password and code) happened within the
    reauthentication window; allauth keeps the log of a session's logins (record_authentication)."""
    records = get_authentication_records(request, request.user)
    if not records:
        return False
    at = records[-1].get("at")
    return isinstance(at, int | float) and time.time() - at < account_settings.REAUTHENTICATION_TIMEOUT


def login_failed_retry_at(request, *, key: str):
    """When the oldest counted failed attempt leaves the window of the exhausted login_failed rate
    (per address or per client), or None when no rate is exhausted."""
    latest = None
    for rate in get_rates(app="allauth.account", action="login_failed"):
        cache_key = get_cache_key(request, app="allauth.account", action="login_failed", rate=rate, key=key)
        history = cache.get(cache_key) or []
        if len(history) >= rate.amount:
            # history is newest first; the attempt that must expire is the amount-th newest.
            expires = history[rate.amount - 1] + rate.duration
            latest = expires if latest is None else max(latest, expires)
    if latest is None:
        return None
    return timezone.now() + timedelta(seconds=max(0, latest - timezone.now().timestamp()))


def _cache_answers() -> bool:
    """Whether the cache stores and returns a value (errors are swallowed by django-redis)."""
    probe = f"login-probe:{secrets.token_hex(8)}"
    cache.set(probe, "1", 5)
    answered = cache.get(probe) == "1"
    cache.delete(probe)
    return answered
