from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


def mfa_required(user) -> bool:
    """Staff and instructors hold other people's data and money: they need a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.groups.filter(name__in=settings.ACCOUNTS_MFA_REQUIRED_GROUPS).exists()


class AdminRequiresMFAMiddleware:
    """Sends staff and instructors without MFA from /admin/ to the authenticator set-up page.

    A redirect with an explanation rather than a 403: the person is allowed in, one step later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # process_view runs after every middleware's request phase, so messages are available here.
        if not request.path.startswith(reverse("admin:index")):
            return None
        user = request.user
        if not mfa_required(user) or is_mfa_enabled(user):
            return None
        messages.warning(
            request,
            "Staff and instructor accounts need two-factor authentication before using the admin. "
            "Set up an authenticator app below, then open the admin again.",
        )
        return redirect("mfa_activate_totp")
