from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"

    def ready(self):
        from lessons import receivers  # noqa: F401  (connects the signal receivers)
