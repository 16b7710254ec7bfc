from urllib.parse import urlsplit

from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import post_migrate


def site_sync_from_settings(**kwargs) -> None:
    """django.contrib.sites (used by allauth's emails) names the school and its host from
    SCHOOL_NAME and SITE_URL, instead of the default "example.com"."""
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.SCHOOL_NAME},
    )


class BdsConfig(AppConfig):
    name = "bds"
    verbose_name = "Boston Drone School"

    def ready(self) -> None:
        # After the sites app's own post_migrate created the default record ("example.com").
        post_migrate.connect(site_sync_from_settings, sender=apps.get_app_config("sites"))
