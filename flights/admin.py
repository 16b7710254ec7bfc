from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline

from core.admin import ReadOnlyAdminMixin, RecordsAdminMixin
from core.audit import audit_record  # admin: audit trail
from core.csv_export import csv_stream_response  # admin: roster export
from courses.models import is_school_staff
from flights import reports, services
from flights.forms import ScrubForm
from flights.models import FlightCourseSettings, FlightSession, SeatBooking, Waiver, WaiverAcceptance


class SeatBookingInline(TabularInline):
    """The roster inside the session page. Outcomes are recorded on the roster page or via services."""

    model = SeatBooking
    extra = 0
    can_delete = False
    fields = [
        "student",
        "status",
        "waiver",
        "checked_in_at",
        "minutes_flown",
        "maneuvers_passed",
        "signed_off_at",
        "refund_requested_at",
    ]
    readonly_fields = fields
    ordering = ["status", "created_at"]

    def has_add_permission(self, request, obj=None):
        # Seats are taken through seat_book, which locks the session and checks capacity and the waiver.
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("enrollment__user", "waiver_acceptance__waiver", "session__course")
        )

    @admin.display(description="student")
    def student(self, booking):
        return booking.enrollment.user.full_name or booking.enrollment.user.email

    @admin.display(description="waiver")
    def waiver(self, booking):
        acceptance = booking.waiver_acceptance
        return f"v{acceptance.waiver.version} by “{acceptance.typed_name}”" if acceptance else "none"


@admin.register(FlightSession)
class FlightSessionAdmin(ModelAdmin):
    list_display = ["__str__", "starts_at", "location_name", "status", "capacity", "seats_left", "roster_link"]
    list_filter = ["status", "course"]
    list_select_related = ["course"]
    search_fields = ["course__title", "location_name"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["instructors"]
    readonly_fields = ["scrub_reason", "scrubbed_at"]
    inlines = [SeatBookingInline]
    actions = ["scrub_sessions", "export_rosters", "email_students"]  # admin: the last two

    def get_queryset(self, request):
        sessions = super().get_queryset(request).with_seats()
        # Instructors with admin access see the sessions they teach; staff who manage bookings see all.
        if request.user.is_superuser or request.user.has_perm("flights.change_seatbooking"):
            return sessions
        return sessions.taught_by(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Status changes that notify students go through the scrub action and the roster, not the form.
        return [*self.readonly_fields, "status"] if obj else self.readonly_fields

    @admin.display(description="seats left", ordering="seats_left")
    def seats_left(self, session):
        return session.seats_left

    @admin.display(description="roster")
    def roster_link(self, session):
        return format_html('<a href="{}">Roster</a>', reverse("flights:roster", args=[session.pk]))

    # -- admin: roster CSV and bulk email from the session list
    @admin.action(description="Export the rosters of the selected sessions as CSV")
    def export_rosters(self, request, queryset):
        return csv_stream_response(
            filename="flight-rosters.csv", header=reports.ROSTER_HEADER, rows=reports.roster_rows(sessions=queryset)
        )

    @admin.action(description="Email the students of the selected session")
    def email_students(self, request, queryset):
        if not is_school_staff(request.user) or queryset.count() != 1:
            self.message_user(
                request, "School staff can email the students of one session at a time.", messages.WARNING
            )
            return None
        return redirect(f"{reverse('admin_bulk_email')}?session={queryset.get().pk}")

    def has_scrub_permission(self, request) -> bool:
        """Scrubbing cancels a flight day for every booked student and emails them: school staff
        decide that (with the right to change sessions), not an instructor, not even the session's own."""
        return is_school_staff(request.user) and request.user.has_perm("flights.change_flightsession")

    @admin.action(description="Scrub selected sessions (weather) and email every booked student", permissions=["scrub"])
    def scrub_sessions(self, request, queryset):
        sessions = list(queryset.filter(status=FlightSession.Status.SCHEDULED))
        if "confirm" in request.POST:
            form = ScrubForm(request.POST)
            if form.is_valid():
                notified = 0
                for session in sessions:
                    notified += len(
                        services.session_scrub(session=session, reason=form.cleaned_data["reason"], actor=request.user)
                    )
                    # admin: audit trail, who scrubbed which session and why.
                    audit_record(
                        user=request.user,
                        obj=session,
                        action="scrub",
                        before={"status": FlightSession.Status.SCHEDULED},
                        after={"status": FlightSession.objects.values_list("status", flat=True).get(pk=session.pk)},
                        reason=form.cleaned_data["reason"],
                    )
                self.message_user(
                    request,
                    f"Scrubbed {len(sessions)} session(s); {notified} student(s) emailed.",
                    messages.SUCCESS,
                )
                return redirect(request.get_full_path())
        else:
            form = ScrubForm()
        if not sessions:
            self.message_user(request, "Only scheduled sessions can be scrubbed.", messages.WARNING)
            return None
        return TemplateResponse(
            request,
            "flights/admin/scrub_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": "Scrub flight sessions",
                "sessions": sessions,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(SeatBooking)
class SeatBookingAdmin(RecordsAdminMixin, ModelAdmin):
    """Every roster in one list. Staff who manage bookings see them all; an instructor sees, read-only,
    the bookings of the sessions they teach, as FlightSessionAdmin shows them those sessions."""

    list_display = [
        "student",
        "session",
        "status",
        "cancel_reason",
        "booked_at",
        "refund_requested_at",
        "signed_off_at",
    ]
    list_filter = ["status", "cancel_reason", ("refund_requested_at", admin.EmptyFieldListFilter)]
    list_select_related = ["enrollment__user", "session__course"]
    search_fields = ["enrollment__user__email", "enrollment__user__full_name", "session__course__title"]
    raw_id_fields = ["enrollment", "session", "waiver_acceptance", "signed_off_by"]
    readonly_fields = [
        "enrollment",
        "session",
        "status",
        "created_at",
        "booked_at",
        "canceled_at",
        "cancel_reason",
        "rebook_priority",
        "waiver_acceptance",
        "checked_in_at",
        "minutes_flown",
        "maneuvers_passed",
        "signed_off_at",
        "signed_off_by",
        "refund_requested_at",
        "reminder_48h_sent_at",
        "reminder_24h_sent_at",
    ]

    def get_queryset(self, request):
        bookings = super().get_queryset(request)
        if request.user.is_superuser or request.user.has_perm("flights.change_seatbooking"):
            return bookings
        return bookings.filter(session__in=FlightSession.objects.taught_by(request.user))

    @admin.display(description="student", ordering="enrollment__user__full_name")
    def student(self, booking):
        return booking.enrollment.user.full_name or booking.enrollment.user.email


@admin.register(Waiver)
class WaiverAdmin(ModelAdmin):
    list_display = ["course", "version", "published_at", "acceptance_count"]
    list_filter = ["course"]
    list_select_related = ["course"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(acceptance_total=Count("acceptances"))

    @admin.display(description="acceptances", ordering="acceptance_total")
    def acceptance_count(self, waiver):
        return waiver.acceptance_total

    def get_readonly_fields(self, request, obj=None):
        # A version someone accepted is evidence: its text must never change. Publish a new version instead.
        if obj and obj.acceptances.exists():
            return ["course", "version", "text", "published_at"]
        return []


@admin.register(WaiverAcceptance)
class WaiverAcceptanceAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["typed_name", "user", "waiver", "accepted_at", "ip_address", "age_confirmed"]
    list_filter = ["waiver__course", "age_confirmed"]
    list_select_related = ["user", "waiver__course"]
    search_fields = ["typed_name", "user__email", "user__full_name"]
    readonly_fields = [
        "user",
        "waiver",
        "typed_name",
        "accepted_at",
        "ip_address",
        "age_confirmed",
        "equipment_declaration",
    ]


@admin.register(FlightCourseSettings)
class FlightCourseSettingsAdmin(ModelAdmin):
    list_display = [
        "course",
        "requires_online_completion",
        "requires_age_16",
        "asks_equipment_declaration",
        "requires_practical_signoff",
    ]
    list_select_related = ["course"]
    raw_id_fields = ["course"]
