import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.client_address import client_ip
from accounts.decorators import staff_view_with_mfa
from courses.models import Course, Instructor
from enrollments.models import Enrollment
from flights import services
from flights.calendar import booking_ics
from flights.forms import BookingForm, RosterEntryForm
from flights.models import MANEUVER_LABELS, FlightSession, SeatBooking


def _sessions_visible_to(user):
    sessions = FlightSession.objects.select_related("course")
    return sessions if user.is_staff else sessions.public()


def _my_booking(request, pk: int) -> SeatBooking:
    """The current user's booking, or 404: someone else's id never reveals anything."""
    return get_object_or_404(
        SeatBooking.objects.for_user(request.user).select_related("session__course", "enrollment__user"), pk=pk
    )


def session_list(request):
    sessions = FlightSession.objects.upcoming().public().with_seats().select_related("course")
    courses = Course.objects.published().filter(pk__in=sessions.values("course_id")).order_by("title")
    selected = request.GET.get("course", "")
    if selected:
        sessions = sessions.filter(course__slug=selected)
    return render(
        request,
        "flights/session_list.html",
        {"sessions": sessions, "courses": courses, "selected_course": selected},
    )


def _booking_state(user, session: FlightSession) -> dict:
    """What the session page offers this visitor: book, waitlist, change, cancel, or why not."""
    state = {"enrollment": None, "active_booking": None, "action": "login"}
    if not user.is_authenticated:
        return state
    enrollment = Enrollment.objects.for_user(user).filter(course=session.course).first()
    state["enrollment"] = enrollment
    if enrollment is None or not enrollment.grants_access:
        state["action"] = "enroll"
        return state
    active = SeatBooking.objects.filter(enrollment=enrollment).active().select_related("session").first()
    state["active_booking"] = active
    if active is None:
        # Checked in (attended) is not "active" but still holds this session's seat.
        active = (
            SeatBooking.objects.filter(enrollment=enrollment, session=session, status__in=SeatBooking.SEAT_STATUSES)
            .select_related("session")
            .first()
        )
        state["active_booking"] = active
    if active and active.session_id == session.pk:
        state["action"] = "manage"
    elif not session.is_bookable:
        state["action"] = "closed"
    elif active:
        state["action"] = "change" if active.can_change else "locked"
    else:
        state["action"] = "book" if session.seats_left > 0 else "waitlist"
    return state


@staff_view_with_mfa
def session_detail(request, pk: int):
    session = get_object_or_404(
        _sessions_visible_to(request.user).with_seats().prefetch_related("instructors__user"), pk=pk
    )
    context = {"session": session, **_booking_state(request.user, session)}
    context["can_see_roster"] = session.roster_visible_to(request.user)
    return render(request, "flights/session_detail.html", context)


@staff_view_with_mfa
@login_required
def session_book(request, pk: int):
    session = get_object_or_404(_sessions_visible_to(request.user).with_seats(), pk=pk)
    state = _booking_state(request.user, session)
    if state["action"] == "manage":
        messages.info(request, "You already have a place on this session.")
        return redirect(session)
    if state["active_booking"] is not None:
        messages.info(request, "You already hold a booking for this course; change or cancel it from this page.")
        return redirect(session)
    waiver, course_settings = services.waiver_requirements(session.course)
    form = BookingForm(request.POST or None, course_settings=course_settings)
    error = None
    if request.method == "POST" and form.is_valid():
        if state["enrollment"] is None:
            error = "Enroll in the course first; then you can book your flight day."
        else:
            signature = services.WaiverSignature(
                typed_name=form.cleaned_data["typed_name"],
                ip_address=client_ip(request),
                age_confirmed=form.cleaned_data.get("age_confirmed", False),
                equipment_declaration=form.cleaned_data.get("equipment_declaration", ""),
            )
            try:
                booking = services.seat_book(enrollment=state["enrollment"], session=session, signature=signature)
            except services.BookingError as failure:
                error = str(failure)
            else:
                if booking.status == SeatBooking.Status.BOOKED:
                    messages.success(request, "Your seat is booked. A confirmation is on its way to your inbox.")
                else:
                    messages.info(
                        request,
                        f"The session is full, so you are on the waitlist (number {booking.waitlist_position()}). "
                        "We will email you if a seat frees up.",
                    )
                return redirect(session)
    return render(
        request,
        "flights/session_book.html",
        {
            "session": session,
            "waiver": waiver,
            "form": form,
            "error": error,
            "course_settings": course_settings,
            **state,
        },
        status=400 if error or form.errors else 200,
    )


@staff_view_with_mfa
@login_required
@require_POST
def booking_change(request, pk: int):
    booking = _my_booking(request, pk)
    target = get_object_or_404(
        _sessions_visible_to(request.user).filter(course=booking.session.course), pk=request.POST.get("session") or 0
    )
    try:
        services.seat_change(booking=booking, session=target)
    except services.BookingError as failure:
        messages.error(request, str(failure))
        return redirect(target)
    messages.success(request, "Your booking moved to this session. We emailed you the new details.")
    return redirect(target)


@login_required
@require_POST
def booking_cancel(request, pk: int):
    booking = _my_booking(request, pk)
    try:
        services.seat_cancel(booking=booking)
    except services.BookingError as failure:
        messages.error(request, str(failure))
    else:
        messages.success(request, "Your booking is canceled.")
    return redirect(booking.session)


@login_required
def booking_refund_request(request, pk: int):
    booking = _my_booking(request, pk)
    if request.method == "POST":
        try:
            services.practical_refund_request(booking=booking)
        except services.BookingError as failure:
            messages.error(request, str(failure))
        else:
            messages.success(request, "We received your refund request. Our staff will confirm it by email.")
        return redirect(booking.session)
    return render(request, "flights/refund_request.html", {"booking": booking})


@login_required
def booking_calendar(request, pk: int):
    booking = _my_booking(request, pk)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="flight-session-{booking.pk}.ics"'
    return response


@staff_view_with_mfa
@login_required
def session_roster(request, pk: int):
    session = get_object_or_404(FlightSession.objects.select_related("course"), pk=pk)
    if not session.roster_visible_to(request.user):
        # The same answer as a wrong id: an outsider learns nothing about the session.
        raise Http404("No flight session matches the given query.")
    bookings = list(
        session.bookings.filter(status__in=SeatBooking.SEAT_STATUSES)
        .select_related("enrollment__user", "waiver_acceptance__waiver", "signed_off_by")
        .order_by("enrollment__user__full_name")
    )
    waitlist = list(session.bookings.waitlist_order().select_related("enrollment__user"))
    bound = {}
    if request.method == "POST":
        if request.POST.get("action") == "complete":
            try:
                services.session_complete(session=session, actor=request.user)
            except services.BookingError as failure:
                messages.error(request, str(failure))
            else:
                messages.success(request, "Session marked completed; students not checked in are no-shows.")
            return redirect("flights:roster", pk=session.pk)
        booking = next((b for b in bookings if str(b.pk) == request.POST.get("booking")), None)
        if booking is None:
            raise Http404("No such booking on this session.")
        form = RosterEntryForm(request.POST, prefix=f"b{booking.pk}")
        if form.is_valid():
            try:
                services.booking_roster_update(
                    booking=booking,
                    actor=request.user,
                    checked_in=form.cleaned_data["checked_in"],
                    minutes_flown=form.cleaned_data["minutes_flown"],
                    maneuvers=form.cleaned_data["maneuvers"],
                    signed_off=form.cleaned_data["signed_off"],
                )
            except services.BookingError as failure:
                form.add_error(None, str(failure))
            else:
                messages.success(request, f"Saved {booking.enrollment.user.full_name}.")
                return redirect(f"{request.path}#student-{booking.pk}")
        bound[booking.pk] = form
    rows = [
        {
            "booking": booking,
            "form": bound.get(booking.pk)
            or RosterEntryForm(
                prefix=f"b{booking.pk}",
                initial={
                    "checked_in": booking.checked_in_at is not None,
                    "minutes_flown": booking.minutes_flown,
                    "maneuvers": booking.maneuvers_passed,
                    "signed_off": booking.is_signed_off,
                },
            ),
        }
        for booking in bookings
    ]
    return render(
        request,
        "flights/roster.html",
        {"session": session, "rows": rows, "waitlist": waitlist},
        status=400 if bound else 200,
    )


def _csv_safe(value) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheets; a leading apostrophe defuses it.
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def logbook_csv(request):
    entries = (
        SeatBooking.objects.for_user(request.user)
        .logbook()
        .select_related("session__course", "signed_off_by")
        .prefetch_related(Prefetch("session__instructors", queryset=Instructor.objects.select_related("user")))
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="flight-logbook.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Date",
            "Course",
            "Location",
            "Minutes flown",
            "Maneuvers passed",
            "Instructors",
            "Signed off",
            "Signed off by",
        ]
    )
    for entry in entries:
        session = entry.session
        writer.writerow(
            [
                _csv_safe(value)
                for value in (
                    timezone.localtime(session.starts_at).date().isoformat(),
                    session.course.title,
                    session.location_name,
                    entry.minutes_flown,
                    "; ".join(MANEUVER_LABELS.get(code, code) for code in entry.maneuvers_passed),
                    ", ".join(instructor.user.full_name for instructor in session.instructors.all()),
                    timezone.localtime(entry.signed_off_at).date().isoformat() if entry.signed_off_at else "",
                    entry.signed_off_by.full_name if entry.signed_off_by else "",
                )
            ]
        )
    return response
