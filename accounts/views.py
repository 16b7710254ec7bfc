from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import safe_next_url
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.services import user_delete_account
from accounts.user_cache import account_version_key
from accounts.verification import has_verified_email
from core.signed_in_pages import CSRF_PLACEHOLDER, stored_page


@login_required
@require_http_methods(["GET", "POST"])
def me(request):
    """My account: name and Remote Pilot date are edited here; the rest links to allauth's pages.

    The unbound page shows only the user's row, whether the email address is confirmed and which
    second factors are set up, so it is stored whole (core/signed_in_pages.py) under the user's
    account version, which every user save and every email address or authenticator write bumps
    (accounts/user_cache.py)."""
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your details are saved.")
            return redirect("accounts:me")
        # Through stored_page for its CSRF swap; an invalid form is never stored (no name).
        return stored_page(
            request,
            None,
            [],
            lambda extra: render(
                request, "accounts/me.html", {"body_html": _me_body(request, form)} | extra, status=400
            ),
        )
    return stored_page(
        request,
        f"accounts:me:{request.user.pk}",
        [account_version_key(request.user.pk)],
        lambda extra: render(
            request, "accounts/me.html", {"body_html": _me_body(request, ProfileForm(instance=request.user))} | extra
        ),
    )


def _me_body(request, form: ProfileForm) -> SafeString:
    """The page's body (the form, the confirmed address, the second factors): two queries and a
    form to render. Its CSRF token is the placeholder of core/signed_in_pages.py, swapped for the
    request's own on the way out (a token belongs to one browser)."""
    user = request.user
    authenticator_types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    html = render_to_string(
        "accounts/_me_body.html",
        {
            "user": user,
            "form": form,
            "csrf_token": CSRF_PLACEHOLDER,
            "email_verified": has_verified_email(user),
            "totp_enabled": Authenticator.Type.TOTP in authenticator_types,
            "recovery_codes_enabled": Authenticator.Type.RECOVERY_CODES in authenticator_types,
        },
    )
    # Rendered by our template, with autoescaping.
    return mark_safe(html)  # noqa: S308


@login_required
@require_POST
def resend_confirmation(request):
    """Send the confirmation email again (rate limited per address by allauth's confirm_email)."""
    back = safe_next_url(request, request.POST.get("next"), reverse("accounts:me"))
    if has_verified_email(request.user):
        messages.info(request, "Your email address is already confirmed.")
    elif send_verification_email_for_user(request, request.user):
        # allauth adds its own "Confirmation email sent" message.
        pass
    else:
        messages.warning(
            request,
            "We sent you a confirmation email a moment ago. Please check your inbox and spam folder; "
            "you can ask for another one in a few minutes.",
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_delete_account(user=request.user, password=form.cleaned_data["password"])
        except PermissionDenied:
            form.add_error("password", "That is not your current password.")
        else:
            logout(request)
            messages.success(
                request,
                "Your account is deleted and your personal details are erased. "
                "Payment and certificate records stay with the school, without your name.",
            )
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
