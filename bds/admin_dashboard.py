"""Running the school from admin: the staff dashboard (the admin index), staff reports and CSV
exports, the audit trail list, and a user's whole story on their admin page.

bds wires the apps together: the numbers come from each app's reports.py selectors; this module
only gathers, caches and shows them. Nothing here registers itself on import (the Celery worker
imports this module for its task): bds/urls.py calls `admin_site_extend()` once.
"""

import secrets
from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from bds.lib.admin import ReadOnlyAdminMixin
from bds.lib.audit import audit_details
from bds.lib.csv_export import csv_stream_response
from bds.lib.markdown import render_markdown
from bds.lib.tasks import project_task
from courses.models import Course, is_school_staff
from enrollments import reports as enrollment_reports
from enrollments import services as enrollment_services
from enrollments.models import Enrollment
from flights import reports as flight_reports
from flights.models import FlightSession, SeatBooking
from lessons import reports as lesson_reports
from payments import reports as payment_reports
from payments.models import Payment, money_label

DASHBOARD_CACHE_KEY = "admin:dashboard:v1"
CHART_DAYS = 30
CHART_CURRENCY = "usd"  # the school charges in dollars; other currencies appear in the totals only


# -- numbers ------------------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def dashboard_periods(today: date) -> dict[str, tuple[datetime, datetime, str]]:
    """This week (from Monday), this month, and last month, in the school's time zone."""
    week_start = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    tomorrow = _local_midnight(today + timedelta(days=1))
    return {
        "week": (_local_midnight(week_start), tomorrow, "This week"),
        "month": (_local_midnight(month_start), tomorrow, "This month"),
        "last_month": (_local_midnight(last_month_start), _local_midnight(month_start), "Last month"),
    }


def dashboard_compute(*, today: date | None = None) -> dict:
    """Every number on the dashboard, from the apps' selectors, in a fixed number of queries."""
    today = today or timezone.localdate()
    periods = dashboard_periods(today)
    revenue = []
    for key, (start, end, label) in periods.items():
        revenue.append(
            {
                "key": key,
                "label": label,
                "start": start.date(),
                "end": (end - timedelta(days=1)).date(),
                "totals": [
                    {
                        **row,
                        "gross_label": money_label(row["gross"], row["currency"]),
                        "refunded_label": money_label(row["refunded"], row["currency"]),
                        "net_label": money_label(row["net"], row["currency"]),
                    }
                    for row in payment_reports.revenue_between(start=start, end=end)
                ],
            }
        )
    also_took = enrollment_reports.also_took_refresh()
    mentioned = set(also_took) | {other for pairs in also_took.values() for other, _count in pairs}
    titles = dict(Course.objects.filter(pk__in=mentioned).values_list("pk", "title")) if mentioned else {}
    return {
        "computed_at": timezone.now(),
        "revenue": revenue,
        "per_day": payment_reports.revenue_per_day(days=CHART_DAYS, currency=CHART_CURRENCY, today=today),
        "enrollments_new_week": enrollment_reports.enrollments_new_count(since=periods["week"][0]),
        "enrollments_new_month": enrollment_reports.enrollments_new_count(since=periods["month"][0]),
        "students_active": enrollment_reports.students_active_count(),
        "completion": enrollment_reports.completion_per_course(),
        "sessions": flight_reports.sessions_upcoming_with_seats(limit=10),
        "disputes_open": payment_reports.disputes_open().count(),
        "events_failed": payment_reports.stripe_events_failed().count(),
        "also_took": sorted(
            (
                {
                    "course": titles.get(course_id, f"#{course_id}"),
                    "others": [{"title": titles.get(other, f"#{other}"), "students": count} for other, count in pairs],
                }
                for course_id, pairs in also_took.items()
            ),
            key=lambda row: row["course"],
        ),
    }


def dashboard_refresh() -> dict:
    """Recompute the dashboard and store it for CACHE_TTL_SECONDS (the scheduled job calls this)."""
    data = dashboard_compute()
    cache.set(DASHBOARD_CACHE_KEY, data, timeout=settings.CACHE_TTL_SECONDS)
    return data


def dashboard_get() -> dict:
    """The cached dashboard; computed now if the scheduled job has not stored one yet."""
    data = cache.get(DASHBOARD_CACHE_KEY)
    return data if data is not None else dashboard_refresh()


@project_task(name="bds.admin_dashboard.dashboard_refresh_task")
def dashboard_refresh_task() -> str:
    return dashboard_refresh()["computed_at"].isoformat()


# -- chart --------------------------------------------------------------------------------------


def revenue_chart_svg(per_day: list[dict], *, currency: str = CHART_CURRENCY) -> SafeString:
    """Gross revenue per day as an inline SVG bar chart: no script, a <title> and <desc> for
    screen readers, and a <title> per bar as its tooltip. The page shows the same data as a table."""
    width, height, top, bottom, left = 640, 180, 16, 24, 8
    plot_height = height - top - bottom
    slot = (width - 2 * left) / max(len(per_day), 1)
    peak = max((row["amount"] for row in per_day), default=0) or 1
    total = sum(row["amount"] for row in per_day)
    bars = []
    for index, row in enumerate(per_day):
        bar_height = round(plot_height * row["amount"] / peak, 1)
        x = round(left + index * slot + slot * 0.15, 1)
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#417690"><title>{}: {}</title></rect>',
                x,
                round(top + plot_height - bar_height, 1),
                round(slot * 0.7, 1),
                bar_height,
                row["day"].strftime("%b %-d"),
                money_label(row["amount"], currency),
            )
        )
    first, last = (per_day[0]["day"], per_day[-1]["day"]) if per_day else (None, None)
    labels = (
        format_html(
            '<text x="{}" y="{}" font-size="11" fill="#333">{}</text>'
            '<text x="{}" y="{}" font-size="11" fill="#333" text-anchor="end">{}</text>',
            left,
            height - 6,
            first.strftime("%b %-d"),
            width - left,
            height - 6,
            last.strftime("%b %-d"),
        )
        if first
        else ""
    )
    return format_html(
        '<svg class="revenue-chart" role="img" aria-labelledby="revenue-chart-title revenue-chart-desc" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="revenue-chart-title">Revenue per day, last {} days</title>'
        '<desc id="revenue-chart-desc">Bar chart of gross card payments per day from {} to {}; {} in all, '
        "highest day {}. The table below lists every day.</desc>"
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999" stroke-width="1"/>{}{}</svg>',
        width,
        height,
        len(per_day),
        first.isoformat() if first else "",
        last.isoformat() if last else "",
        money_label(total, currency),
        money_label(peak if total else 0, currency),
        left,
        top + plot_height,
        width - left,
        top + plot_height,
        format_html_join("", "{}", ((bar,) for bar in bars)),
        labels,
    )


# -- the admin index ----------------------------------------------------------------------------


def index_with_dashboard(index):
    """Wrap AdminSite.index: school staff get the dashboard; instructors the normal index."""

    def view(request, extra_context=None):
        if is_school_staff(request.user):
            data = dashboard_get()
            extra_context = {
                **(extra_context or {}),
                "dashboard": data,
                "revenue_chart": revenue_chart_svg(data["per_day"]),
                "revenue_chart_rows": [
                    {"day": row["day"], "amount": money_label(row["amount"], CHART_CURRENCY)} for row in data["per_day"]
                ],
                "dashboard_links": {
                    "disputes": reverse("admin:payments_payment_changelist") + "?status__exact=disputed",
                    "events_failed": reverse("admin:payments_stripeevent_changelist") + "?processed_at__isempty=1",
                    "enrollments": reverse("admin:enrollments_enrollment_changelist") + "?status__exact=active",
                    "payments": reverse("admin:payments_payment_changelist"),
                    "sessions": reverse("admin:flights_flightsession_changelist") + "?status__exact=scheduled",
                    "reports": reverse("admin_reports"),
                    "bulk_email": reverse("admin_bulk_email"),
                    "audit": reverse("admin:admin_logentry_changelist"),
                },
            }
        return index(request, extra_context)

    return view


# -- reports and exports ------------------------------------------------------------------------


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


# -- bulk email ---------------------------------------------------------------------------------


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
        return redirect("admin:enrollments_bulkmessage_changelist")
    session = form.cleaned_data.get("session")
    message = enrollment_services.bulk_message_send(
        sender=request.user,
        audience=audience,
        recipients=recipients,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        course=form.cleaned_data.get("course") or (session.course if session else None),
        flight_session_id=session.pk if session else None,
    )
    messages.success(request, f"Queued {message.sent_count} email(s) to the {audience}.")
    return redirect("admin:enrollments_bulkmessage_change", message.pk)


def admin_report_urls() -> list:
    """Paths under /admin/reports/, mounted before admin's own URLs in bds/urls.py."""
    from django.urls import path

    return [
        path("admin/reports/", admin.site.admin_view(reports_page), name="admin_reports"),
        path("admin/reports/accounting.csv", admin.site.admin_view(accounting_csv), name="admin_report_accounting"),
        path("admin/reports/progress.csv", admin.site.admin_view(progress_csv), name="admin_report_progress"),
        path("admin/reports/roster.csv", admin.site.admin_view(roster_csv), name="admin_report_roster"),
        path("admin/bulk-email/", admin.site.admin_view(bulk_email_page), name="admin_bulk_email"),
    ]


# -- audit trail --------------------------------------------------------------------------------


class AuditTrailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every admin change, refund, grant, revoke and scrub: who, when, what, before and after."""

    list_display = ["action_time", "user", "content_type", "object_link", "action_label", "before", "after"]
    list_filter = ["action_time", "content_type", "action_flag"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "user__email", "user__full_name", "change_message"]
    date_hierarchy = "action_time"
    ordering = ["-action_time"]

    def has_view_permission(self, request, obj=None) -> bool:
        return is_school_staff(request.user)

    def has_module_permission(self, request) -> bool:
        return is_school_staff(request.user)

    @admin.display(description="object")
    def object_link(self, entry: LogEntry):
        return entry.object_repr

    @admin.display(description="action")
    def action_label(self, entry: LogEntry) -> str:
        details = audit_details(entry)
        if details.get("action"):
            reason = f" ({details['reason']})" if details.get("reason") else ""
            return f"{details['action']}{reason}"
        return entry.get_change_message() or entry.get_action_flag_display()

    @admin.display(description="before")
    def before(self, entry: LogEntry) -> str:
        return _values_label(audit_details(entry).get("before"))

    @admin.display(description="after")
    def after(self, entry: LogEntry) -> str:
        return _values_label(audit_details(entry).get("after"))


def _values_label(values) -> str:
    if not values:
        return "—"
    return "; ".join(f"{key}: {value}" for key, value in values.items())


# -- a user's whole story on their admin page ---------------------------------------------------


class UserEnrollmentInline(admin.TabularInline):
    model = Enrollment
    fk_name = "user"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["course", "status", "created_at", "activated_at", "completed_at", "ended_at", "suspended_at"]
    readonly_fields = fields
    verbose_name_plural = "enrollments"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        # The row's title is str(row), which names the user and the course.
        return super().get_queryset(request).select_related("course", "user")


class UserPaymentInline(admin.TabularInline):
    model = Payment
    fk_name = "user"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["created_at", "course", "amount_display", "status", "refunded_display", "receipt_number"]
    readonly_fields = fields
    verbose_name_plural = "payments"

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        # The row's title is str(row), which names the user and the course.
        return super().get_queryset(request).select_related("course", "user")

    @admin.display(description="amount")
    def amount_display(self, payment: Payment) -> str:
        return payment.amount_label

    @admin.display(description="refunded")
    def refunded_display(self, payment: Payment) -> str:
        return payment.amount_refunded_label if payment.amount_refunded else "—"


def user_bookings_panel(user) -> SafeString:
    """The user's flight bookings as a small table (bookings hang off enrollments, so no inline)."""
    bookings = SeatBooking.objects.for_user(user).select_related("session__course").order_by("-session__starts_at")
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                reverse("admin:flights_seatbooking_change", args=[booking.pk]),
                booking.session.course.title,
                timezone.localtime(booking.session.starts_at).strftime("%Y-%m-%d %H:%M"),
                booking.get_status_display(),
                booking.minutes_flown,
            )
            for booking in bookings
        ),
    )
    if not rows:
        return format_html("<p>{}</p>", "No flight bookings.")
    return format_html(
        '<table><caption>Flight bookings</caption><thead><tr><th scope="col">Course</th>'
        '<th scope="col">Session</th><th scope="col">Status</th><th scope="col">Minutes flown</th></tr>'
        "</thead><tbody>{}</tbody></table>",
        rows,
    )


def user_admin_extend(site: admin.AdminSite) -> None:
    """Re-register the accounts User admin with enrollments, payments and bookings on its page.

    accounts cannot import the apps that depend on it, so the wiring happens here, on top of
    whatever accounts/admin.py defines.
    """
    User = get_user_model()
    base = type(site.get_model_admin(User))

    class SchoolUserAdmin(base):
        inlines = [*base.inlines, UserEnrollmentInline, UserPaymentInline]
        readonly_fields = [*base.readonly_fields, "flight_bookings"]

        def get_fieldsets(self, request, obj=None):
            fieldsets = super().get_fieldsets(request, obj)
            if obj is None:
                return fieldsets
            return [*fieldsets, ("Flights", {"fields": ["flight_bookings"]})]

        @admin.display(description="bookings")
        def flight_bookings(self, user):
            return user_bookings_panel(user)

    SchoolUserAdmin.__name__ = SchoolUserAdmin.__qualname__ = base.__name__
    site.unregister(User)
    site.register(User, SchoolUserAdmin)


def admin_site_extend(site: admin.AdminSite = admin.site) -> None:
    """Install the dashboard index, the audit trail list and the richer user page. Call once."""
    if getattr(site, "_bds_extended", False):
        return
    site.index = index_with_dashboard(site.index)
    site.register(LogEntry, AuditTrailAdmin)
    user_admin_extend(site)
    site._bds_extended = True
