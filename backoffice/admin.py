"""The admin site's back-office pages: the audit trail, and a user's whole story on their page.

accounts defines the User admin's fields; the back office registers it with the enrollments,
payments and bookings that accounts cannot import (they depend on it).
"""

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from unfold.admin import ModelAdmin, TabularInline

from accounts.admin import UserAdmin
from backoffice.models import BulkMessage
from core.admin import ReadOnlyAdminMixin
from core.audit import audit_details
from courses.models import is_school_staff
from enrollments.models import Enrollment
from flights.models import SeatBooking
from payments.models import Payment


@admin.register(LogEntry)
class AuditTrailAdmin(ReadOnlyAdminMixin, ModelAdmin):
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


class UserEnrollmentInline(TabularInline):
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


class UserPaymentInline(TabularInline):
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


@admin.register(get_user_model())
class SchoolUserAdmin(UserAdmin):
    """accounts' User admin with the user's enrollments, payments and flight bookings on the page."""

    inlines = [*UserAdmin.inlines, UserEnrollmentInline, UserPaymentInline]
    readonly_fields = [*UserAdmin.readonly_fields, "flight_bookings"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("Flights", {"fields": ["flight_bookings"]})]

    @admin.display(description="bookings")
    def flight_bookings(self, user):
        return user_bookings_panel(user)


# -- the record of bulk messages (written from /admin/bulk-email/) --------------------------------


@admin.register(BulkMessage)
class BulkMessageAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["created_at", "subject", "audience", "sent_count", "sender"]
    list_select_related = ["sender"]
    search_fields = ["subject", "audience", "sender__email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "sender",
        "audience",
        "course",
        "flight_session",
        "subject",
        "body",
        "sent_count",
        "created_at",
    ]
