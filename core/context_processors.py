from django.conf import settings


def site(request):
    """Values every page template needs: the school's name and the canonical site URL."""
    return {
        "SCHOOL_NAME": settings.SCHOOL_NAME,
        "SCHOOL_POSTAL_ADDRESS": settings.SCHOOL_POSTAL_ADDRESS,
        "SITE_URL": settings.SITE_URL,
        "PAYMENTS_OFFLINE_MODE": settings.PAYMENTS_OFFLINE_MODE,
    }
