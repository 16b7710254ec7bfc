from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BackofficeConfig(AppConfig):
    """Running the school: staff dashboard, reports, exports, bulk email, audit trail, email previews."""

    default = True  # "backoffice" in INSTALLED_APPS means this one, not the admin's config below
    name = "backoffice"
    verbose_name = "Back office"

    def ready(self) -> None:
        from backoffice import receivers  # noqa: F401 - connects the dashboard's invalidation


class SchoolAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the school's site (backoffice/sites.py) as `admin.site`."""

    default = False  # named explicitly in INSTALLED_APPS, in django.contrib.admin's place
    default_site = "backoffice.sites.SchoolAdminSite"
