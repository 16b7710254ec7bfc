from django.conf import settings


class PermissionsPolicyMiddleware:
    """Django has no Permissions-Policy setting of its own; the site needs no camera or location."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        return response
