from django.apps import AppConfig


class FlightsConfig(AppConfig):
    name = "flights"

    def ready(self):
        from flights import receivers  # noqa: F401  (connects the signal receivers)
