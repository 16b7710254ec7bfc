"""The content policy of the back office (/admin/): the site's own, loosened only where the theme needs it.

django-unfold's templates are driven by Alpine.js expressions in HTML attributes (x-data, x-bind,
x-on...); the standard Alpine build evaluates them with `new Function`, which a policy allows only
with 'unsafe-eval' (Alpine's CSP build cannot run unfold's expressions, which call methods and use
operators). The theme also puts `style="..."` attributes and a <style> block with its colours in its
templates, which a nonce cannot cover. So pages under /admin/ (staff and instructors only, behind MFA)
get 'unsafe-eval' for scripts and 'unsafe-inline' for styles; scripts still need a nonce or our own
origin ('unsafe-inline' scripts stay forbidden), and every other page keeps settings.SECURE_CSP.
A view that sets its own policy (csp_override, e.g. the email previews) keeps it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.csp import CSP


def admin_policy(site_policy: dict) -> dict:
    policy = {directive: list(sources) for directive, sources in site_policy.items()}
    policy["script-src"] = [*policy.get("script-src", [CSP.SELF]), CSP.UNSAFE_EVAL]
    # 'unsafe-inline' is ignored by browsers when the same directive has a nonce: style-src has none.
    policy["style-src"] = [source for source in policy.get("style-src", [CSP.SELF]) if source != CSP.NONCE]
    policy["style-src"].append(CSP.UNSAFE_INLINE)
    return policy


class AdminContentSecurityPolicyMiddleware:
    """Sits inside django.middleware.csp's middleware: marks /admin/ responses with the admin policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None
        self._site_policy = self._policy = None

    def policy(self) -> dict:
        # Derived from the site's policy as it is now (a test or a settings change may replace it),
        # recomputed only when that object changes.
        if settings.SECURE_CSP is not self._site_policy:
            self._site_policy, self._policy = settings.SECURE_CSP, admin_policy(settings.SECURE_CSP)
        return self._policy

    def __call__(self, request):
        response = self.get_response(request)
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = self.policy()
        return response
