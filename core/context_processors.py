from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse


def site(request):
    """Values every page template needs: the school's name, the canonical site URL, and the
    addresses the header and footer link to."""
    return {
        "SCHOOL_NAME": settings.SCHOOL_NAME,
        "SCHOOL_POSTAL_ADDRESS": settings.SCHOOL_POSTAL_ADDRESS,
        "SITE_URL": settings.SITE_URL,
        "PAYMENTS_OFFLINE_MODE": settings.PAYMENTS_OFFLINE_MODE,
        "site_urls": _site_urls(get_script_prefix()),
    }


@cache
def _site_urls(script_prefix: str) -> dict[str, str]:
    """The header's and footer's links, reversed once per process rather than about seventeen
    `{% url %}` on every page (bench/PROFILE.md: a tenth of a logged-in page's rendering). URLs do
    not change while the process runs; the script prefix is part of the key all the same."""
    return {
        "home": reverse("home"),
        "catalog": reverse("courses:catalog"),
        "flights": reverse("flights:list"),
        "dashboard": reverse("dashboard"),
        "admin": reverse("admin:index"),
        "login": reverse("account_login"),
        "logout": reverse("account_logout"),
        "signup": reverse("account_signup"),
        "terms": reverse("policies:policy", args=["terms"]),
        "privacy": reverse("policies:policy", args=["privacy"]),
        "refund": reverse("policies:policy", args=["refund"]),
    }
