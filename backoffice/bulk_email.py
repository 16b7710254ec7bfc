"""Email students: write, preview, confirm; one queued email per student, recorded as a BulkMessage."""

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from backoffice.reports import _staff_only
from backoffice.services import bulk_message_send
from core.markdown import render_markdown
from courses.models import Course
from enrollments import services as enrollment_services
from flights import reports as flight_reports
from flights.models import FlightSession


class BulkEmailForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.order_by("title"), required=False, help_text="Every student with access to the course."
    )
    session = forms.ModelChoiceField(
        label="or flight session",
        queryset=FlightSession.objects.select_related("course").order_by("-starts_at"),
        required=False,
        help_text="Every student with a seat or a waitlist place.",
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), help_text="Markdown: **bold**, lists, links.")
    # Made when the form is first shown: a double-submitted confirmation is recognised and sends nothing.
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("course")) == bool(cleaned.get("session")):
            raise forms.ValidationError("Choose either a course or a flight session.")
        return cleaned

    def audience(self) -> tuple[str, object]:
        """A label for the record and the email's footer, and the recipients queryset."""
        course, session = self.cleaned_data.get("course"), self.cleaned_data.get("session")
        if course:
            return f"students of {course.title}", enrollment_services.students_of_course(course)
        when = timezone.localtime(session.starts_at).strftime("%b %-d, %Y")
        return f"students of the {session.course.title} flight session on {when}", flight_reports.session_students(
            session
        )


def bulk_email_page(request):
    """Write, preview, confirm: then one queued email per student, recorded as a BulkMessage."""
    _staff_only(request)
    context = {**admin.site.each_context(request), "title": "Email students"}
    if request.method != "POST":
        initial = {"token": secrets.token_urlsafe(16)}
        for name, model in (("course", Course), ("session", FlightSession)):
            if str(request.GET.get(name, "")).isdigit():
                initial[name] = model.objects.filter(pk=request.GET[name]).first()
        return TemplateResponse(request, "admin/bulk_email.html", {**context, "form": BulkEmailForm(initial=initial)})
    form = BulkEmailForm(request.POST)
    if not form.is_valid() or "edit" in request.POST:
        return TemplateResponse(request, "admin/bulk_email.html", {**context, "form": form})
    audience, recipients = form.audience()
    if request.POST.get("confirm") != "yes":
        people = list(recipients.order_by("full_name", "email").only("full_name", "email"))
        return TemplateResponse(
            request,
            "admin/bulk_email.html",
            {
                **context,
                "form": form,
                "preview": True,
                "audience": audience,
                "recipients": people,
                "body_html": render_markdown(form.cleaned_data["body"]),
            },
        )
    if not cache.add(f"admin:bulk-email-token:{form.cleaned_data['token']}", 1, timeout=24 * 3600):
        messages.warning(request, "This message was already sent; it was not sent again.")
        return redirect("admin:backoffice_bulkmessage_changelist")
    session = form.cleaned_data.get("session")
    message = bulk_message_send(
        sender=request.user,
        audience=audience,
        recipients=recipients,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        course=form.cleaned_data.get("course") or (session.course if session else None),
        flight_session=session,
    )
    messages.success(request, f"Queued {message.sent_count} email(s) to the {audience}.")
    return redirect("admin:backoffice_bulkmessage_change", message.pk)
