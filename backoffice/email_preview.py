"""Staff-only preview of every email in backoffice/emails_catalog.py, rendered with its sample context."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.csp import csp_override

from backoffice.emails_catalog import EMAILS

# An email's HTML carries its styles inline (mail clients drop stylesheets); the site's policy forbids
# inline styles, so the preview gets its own: no scripts, no frames, styles and images only.
_EMAIL_PREVIEW_CSP = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "https:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'none'"],
}


@staff_member_required
def email_preview_list(request):
    emails = [(email, email.render().subject) for email in EMAILS.values()]
    return render(
        request,
        "emails/preview/list.html",
        {**admin.site.each_context(request), "emails": emails, "title": "Email previews"},
    )


@staff_member_required
@csp_override(_EMAIL_PREVIEW_CSP)
def email_preview_detail(request, name: str):
    email = EMAILS.get(name)
    if email is None:
        raise Http404("No email by that name.")
    rendered = email.render()
    if request.GET.get("format") == "text" or not rendered.html:
        return HttpResponse(f"Subject: {rendered.subject}\n\n{rendered.text}", content_type="text/plain; charset=utf-8")
    return HttpResponse(rendered.html)
