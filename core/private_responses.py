"""`Cache-Control: private` on every response to a signed-in user.

`Vary: Cookie` alone lets a shared cache (a CDN, a corporate proxy) store a personal page under
one cookie value and is not honoured by every cache; `private` forbids shared caches outright while
keeping the browser's own back/forward cache. Anonymous responses are left alone: the catalog and
public pages are cached on purpose (core/page_cache.py).
"""

from django.utils.cache import patch_cache_control


class PrivateForSignedInUsersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # A bearer token (the API) is a signed-in person too, though request.user stays anonymous there.
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            directives = response.get("Cache-Control", "").lower()
            # A view that already said no-store (health checks, upload tokens) keeps its stricter rule.
            if "private" not in directives and "no-store" not in directives:
                patch_cache_control(response, private=True)
        return response
