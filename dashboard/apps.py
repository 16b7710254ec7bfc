from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The student's dashboard page: it shows payments, lessons and flights, so it sits above them."""

    name = "dashboard"
