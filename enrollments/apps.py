from django.apps import AppConfig


class EnrollmentsConfig(AppConfig):
    name = "enrollments"

    def ready(self):
        from enrollments import student_cache  # noqa: F401  (connects the per-student cache receivers)
