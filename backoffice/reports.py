"""Staff reports and CSV exports: accounting, a course's progress, a flight session's roster."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from backoffice.dashboard import _local_midnight
from core.csv_export import csv_stream_response
from courses.models import Course, is_school_staff
from flights import reports as flight_reports
from flights.models import FlightSession
from lessons import reports as lesson_reports
from payments import reports as payment_reports


def _staff_only(request) -> None:
    if not is_school_staff(request.user):
        raise PermissionDenied("Reports are for school staff.")


class DateRangeForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError("The end date is before the start date.")
        if cleaned.get("start") and cleaned.get("end") and (cleaned["end"] - cleaned["start"]).days > 3660:
            raise forms.ValidationError("Choose at most ten years at a time.")
        return cleaned


class CourseChoiceForm(forms.Form):
    course = forms.ModelChoiceField(queryset=Course.objects.order_by("title"))


class SessionChoiceForm(forms.Form):
    session = forms.ModelChoiceField(queryset=FlightSession.objects.select_related("course").order_by("-starts_at"))


def _reports_response(request, *, status=200, **bound_forms):
    """The reports page; a form that failed validation is shown bound, with its errors, and a 400."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    context = {
        **admin.site.each_context(request),
        "title": "Reports and exports",
        "range_form": DateRangeForm(initial={"start": last_month_start, "end": month_start - timedelta(days=1)}),
        "course_form": CourseChoiceForm(),
        "session_form": SessionChoiceForm(),
        **bound_forms,
    }
    return TemplateResponse(request, "admin/reports.html", context, status=status)


def reports_page(request):
    """Staff-only page with the export forms (GET forms: each answer is a streamed CSV)."""
    _staff_only(request)
    return _reports_response(request)


def accounting_csv(request):
    """Payments and refunds that succeeded between two dates (inclusive), for the accountant."""
    _staff_only(request)
    form = DateRangeForm(request.GET)
    if not form.is_valid():
        return _reports_response(request, status=400, range_form=form)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return csv_stream_response(
        filename=f"payments-and-refunds-{start:%Y%m%d}-{end:%Y%m%d}.csv",
        header=payment_reports.ACCOUNTING_HEADER,
        rows=payment_reports.accounting_rows(
            start=_local_midnight(start), end=_local_midnight(end + timedelta(days=1))
        ),
    )


def progress_csv(request):
    """Every enrolled student's progress in one course. `?course=abc` or an unknown id is a 400 with
    the form's message, not a 500 (a non-numeric pk raised ValueError) or a bare 404."""
    _staff_only(request)
    form = CourseChoiceForm(request.GET)
    if not form.is_valid():
        return _reports_response(request, status=400, course_form=form)
    course = form.cleaned_data["course"]
    return csv_stream_response(
        filename=f"progress-{course.slug}-{timezone.localdate():%Y%m%d}.csv",
        header=lesson_reports.PROGRESS_HEADER,
        rows=lesson_reports.progress_rows(course=course),
    )


def roster_csv(request):
    """One flight session's roster; a malformed or unknown `?session=` is a 400 like the others."""
    _staff_only(request)
    form = SessionChoiceForm(request.GET)
    if not form.is_valid():
        return _reports_response(request, status=400, session_form=form)
    session = form.cleaned_data["session"]
    return csv_stream_response(
        filename=f"roster-session-{session.pk}.csv",
        header=flight_reports.ROSTER_HEADER,
        rows=flight_reports.roster_rows(sessions=FlightSession.objects.filter(pk=session.pk)),
    )
