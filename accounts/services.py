import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

User = get_user_model()

DELETED_NAME = "Deleted user"


@transaction.atomic
def user_delete_account(*, user, password: str) -> None:
    """Erase a person's personal data at their request, keeping the row for the school's records.

    Payments, enrollments and certificates point at the user row and must stay (bookkeeping,
    certificate verification), so the row is anonymised rather than deleted: the email becomes
    deleted-<id>@invalid, the name "Deleted user", the password unusable, the account inactive,
    roles dropped; confirmed addresses, MFA authenticators and every session are removed.
    Raises PermissionDenied when `password` is not the account's password. The caller logs the
    current request out.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or not user.check_password(password):
        raise PermissionDenied("The password does not match.")
    user.email = f"deleted-{user.pk}@invalid"
    user.full_name = DELETED_NAME
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.email_undeliverable_at = None
    user.remote_pilot_certificate_date = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    _user_sessions_delete(user_id=user.pk)
    logger.info("account deleted at the user's request", extra={"user_id": user.pk})


def _user_sessions_delete(*, user_id: int) -> None:
    # Sessions do not index the user, so the live ones are read. The unusable password already
    # invalidates them (the session auth hash changes); deleting them also frees the storage.
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            store(session_key=session.session_key).delete()


def account_email_deliver(*, subject: str, text: str, html: str, to: list[str], headers: dict | None = None) -> None:
    """Send one account email that was rendered during the request (allauth's templates need it).

    Plain strings in, so the queued task survives the JSON serialiser and a worker restart.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.EMAIL_FROM_ADDRESS,
        to=to,
        reply_to=[settings.EMAIL_REPLY_TO] if settings.EMAIL_REPLY_TO else None,
        headers=headers or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
