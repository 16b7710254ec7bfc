"""When the database is away, answer a quick 503 page instead of a 500 and a stack trace.

With CONN_MAX_AGE and health checks on, the next request after PostgreSQL comes back opens a
fresh connection by itself; nothing needs restarting.
"""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable on %s: %s", request.path, exception)
        # Drop connections that just broke, so the next request opens a fresh one at once.
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        response = TemplateResponse(request, "503.html", {"reason": "database"}, status=503)
        response["Retry-After"] = "30"
        return response.render()
