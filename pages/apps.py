from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Public pages that compose several apps (home, the course page): above the apps they show."""

    name = "pages"
