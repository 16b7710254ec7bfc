from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse

from accounts.user_cache import roles_of


def mfa_required(user) -> bool:
    """Staff and instructors hold other people's data and money: they need a second factor.

    An instructor is anyone in the instructor groups or with a teaching profile: a session's roster
    opens to the profile alone, so group membership is not enough to catch every instructor. One query
    for both (this runs on every page a role unlocks, including the lesson pages students use).
    """
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if (roles := roles_of(user)) is not None:  # a cached copy knows (accounts/user_cache.py)
        group_names, has_teaching_profile = roles
        return has_teaching_profile or bool(group_names & set(settings.ACCOUNTS_MFA_REQUIRED_GROUPS))
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(groups__name__in=settings.ACCOUNTS_MFA_REQUIRED_GROUPS) | Q(instructor__isnull=False))
        .exists()
    )


def mfa_missing(user) -> bool:
    """A staff or instructor account that has not set up its second factor yet."""
    return mfa_required(user) and not is_mfa_enabled(user)


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
        if not mfa_missing(user):
            return None
        messages.warning(
            request,
            "Staff and instructor accounts need two-factor authentication before using the admin: "
            "set up an authenticator app, save your recovery codes, and you go on to the admin.",
        )
        return redirect("mfa_activate_totp")
