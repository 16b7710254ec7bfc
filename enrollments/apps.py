from django.apps import AppConfig


class EnrollmentsConfig(AppConfig):
    name = "enrollments"

    def ready(self):
        from enrollments import dashboard  # noqa: F401  (connects the dashboard's cache receivers)
