from allauth.account.models import EmailAddress


def has_verified_email(user) -> bool:
    """Checkout and certificates need a confirmed address; browsing does not."""
    return user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists()
