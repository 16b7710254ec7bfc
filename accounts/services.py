import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

logger = logging.getLogger(__name__)

User = get_user_model()

DELETED_NAME = "Deleted user"


@transaction.atomic
def user_delete_account(*, user, password: str) -> None:
    """Erase a person's personal data at their request, keeping the row for the school's records.

    Payments, enrollments and certificates point at the user row and must stay (bookkeeping,
    certificate verification), so the row is anonymised rather than deleted: the email becomes
    deleted-<id>@invalid, the name "Deleted user", the password unusable, the account inactive,
    roles dropped; confirmed addresses and MFA authenticators are removed. Every session of the
    account stops working at once because the session auth hash follows the (now unusable)
    password; scanning the session table to delete them would cost a read of every session.
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
    logger.info("account deleted at the user's request", extra={"user_id": user.pk})
