"""Every email the school sends, with sample context: the staff preview (/admin/emails/) and the tests read it.

Adding an email: write templates/emails/<name>/{subject.txt, body.txt, body.html} (body.txt starts by
listing the context keys it expects), add an entry here with a sample context holding every one of
those keys, and send it with `core.mail.email_send(template="<name>", ...)`.

Account confirmation and password reset are rendered by django-allauth from
templates/account/email/<prefix>_{subject.txt, message.txt, message.html}; their entries name that prefix.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from core.mail import email_render


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str  # empty when the email has no HTML part


@dataclass(frozen=True)
class CatalogEmail:
    name: str
    description: str
    sent_by: str  # the app whose service sends it
    sample_context: dict = field(default_factory=dict)
    # False for mail one can live without: it skips addresses the provider reported as undeliverable.
    transactional: bool = True
    allauth_prefix: str = ""  # set for the emails django-allauth renders itself

    def context(self) -> dict:
        """The sample context with "{site}" in strings replaced by SITE_URL, so links work in a preview."""
        return {
            key: value.replace("{site}", settings.SITE_URL) if isinstance(value, str) else value
            for key, value in self.sample_context.items()
        }

    def render(self) -> RenderedEmail:
        if not self.allauth_prefix:
            return RenderedEmail(*email_render(template=self.name, context=self.context()))
        return self._render_allauth()

    def _render_allauth(self) -> RenderedEmail:
        # As allauth's DefaultAccountAdapter.render_mail does, with a stand-in user.
        from django.contrib.auth import get_user_model

        context = {
            "user": get_user_model()(email="sam.student@example.com", full_name="Sam Student"),
            "email": "sam.student@example.com",
            "current_site": {"name": settings.SCHOOL_NAME, "domain": settings.SITE_URL.split("://")[-1]},
            "SCHOOL_NAME": settings.SCHOOL_NAME,
            "SITE_URL": settings.SITE_URL,
            "SCHOOL_POSTAL_ADDRESS": settings.SCHOOL_POSTAL_ADDRESS,
            **self.context(),
        }
        subject = " ".join(render_to_string(f"{self.allauth_prefix}_subject.txt", context).split())
        text = render_to_string(f"{self.allauth_prefix}_message.txt", context).strip() + "\n"
        try:
            html = render_to_string(f"{self.allauth_prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = ""
        return RenderedEmail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, html)


_SESSION = {
    "user_name": "Sam Student",
    "course_title": "Part 107 Flight Practical",
    "session_when": "Saturday, December 5, 2026, 9:00 AM to 12:00 PM EST",
    "location": "Castle Island Flying Field, 2010 William J Day Blvd, Boston, MA",
    "instructor_name": "Iris Instructor",
    "session_url": "{site}/flights/7/",
}

EMAILS: dict[str, CatalogEmail] = {
    email.name: email
    for email in [
        CatalogEmail(
            name="account_confirmation",
            description="Confirm the address given at sign-up (sent by allauth).",
            sent_by="accounts",
            allauth_prefix="account/email/email_confirmation_signup",
            sample_context={"activate_url": "{site}/accounts/confirm-email/MQ:sample-key/", "key": "MQ:sample-key"},
        ),
        CatalogEmail(
            name="password_reset",
            description="A link to choose a new password (sent by allauth).",
            sent_by="accounts",
            allauth_prefix="account/email/password_reset_key",
            sample_context={"password_reset_url": "{site}/accounts/password/reset/key/1-sample-token/"},
        ),
        CatalogEmail(
            name="enrollment_welcome",
            description="The enrollment is active: where to start learning.",
            sent_by="enrollments",
            sample_context={
                "user_name": "Sam Student",
                "course_title": "Part 107 Remote Pilot Exam Prep",
                "learn_url": "{site}/learn/part-107-exam-prep/",
                "dashboard_url": "{site}/dashboard/",
            },
        ),
        CatalogEmail(
            name="payment_receipt",
            description="Receipt for a successful card payment.",
            sent_by="payments",
            sample_context={
                "user_name": "Sam Student",
                "course_title": "Part 107 Remote Pilot Exam Prep",
                "amount": "499.00",
                "currency": "USD",
                "paid_at": "November 26, 2026, 10:15 AM EST",
                "receipt_number": "BDS-000042",
                "payment_method": "Visa ending 4242",
                "dashboard_url": "{site}/dashboard/",
            },
        ),
        CatalogEmail(
            name="refund_issued",
            description="A full or partial refund was issued.",
            sent_by="payments",
            sample_context={
                "user_name": "Sam Student",
                "course_title": "Part 107 Remote Pilot Exam Prep",
                "amount": "499.00",
                "currency": "USD",
                "refunded_at": "November 28, 2026",
                "receipt_number": "BDS-000042",
                "is_full_refund": True,
                "reason": "Requested by the student within 14 days.",
            },
        ),
        CatalogEmail(
            name="dispute_opened",
            description="The bank reports a dispute; access is paused.",
            sent_by="payments",
            sample_context={
                "user_name": "Sam Student",
                "course_title": "Part 107 Remote Pilot Exam Prep",
                "amount": "499.00",
                "currency": "USD",
                "receipt_number": "BDS-000042",
            },
        ),
        CatalogEmail(
            name="certificate_issued",
            description="The course is completed and the certificate is ready.",
            sent_by="lessons",
            sample_context={
                "user_name": "Sam Student",
                "course_title": "Part 107 Remote Pilot Exam Prep",
                "issued_on": "December 12, 2026",
                "certificate_url": "{site}/certificates/3f6c2a9e-sample/",
                "download_url": "{site}/certificates/3f6c2a9e-sample/pdf/",
            },
        ),
        CatalogEmail(
            name="flight_booked",
            description="A seat on a flight session is booked (or, when full, a waitlist place).",
            sent_by="flights",
            sample_context=_SESSION
            | {
                "calendar_url": "{site}/flights/bookings/12/calendar.ics",
                "what_to_bring": "Water, sunscreen and a photo ID.",
                "is_waitlisted": False,
                "waitlist_position": None,
            },
        ),
        CatalogEmail(
            name="flight_changed",
            description="A booked session moved (time, place or instructor).",
            sent_by="flights",
            sample_context=_SESSION
            | {
                "session_when": "Sunday, December 6, 2026, 9:00 AM to 12:00 PM EST",
                "previous_when": "Saturday, December 5, 2026, 9:00 AM",
                "what_changed": "The session moves to Sunday because of the forecast wind.",
                "calendar_url": "{site}/flights/bookings/13/calendar.ics",
            },
        ),
        CatalogEmail(
            name="flight_reminder",
            description="The day before a booked session (a scheduled job).",
            sent_by="flights",
            # A reminder one can live without: not sent to addresses that bounced.
            transactional=False,
            sample_context=_SESSION
            | {"waiver_signed": False, "waiver_url": "{site}/flights/7/waiver/", "hours_before": 24},
        ),
        CatalogEmail(
            name="flight_scrubbed",
            description="A session is cancelled (weather, airspace); the seat is released.",
            sent_by="flights",
            sample_context={key: _SESSION[key] for key in ("user_name", "course_title", "session_when", "location")}
            | {
                "reason": "Forecast gusts above 25 knots.",
                "rebook_url": "{site}/flights/",
                "refund_note": "The practical fee of 150.00 USD is refunded to your card.",
                "refund_url": "{site}/flights/bookings/12/refund/",
                "alternatives": [
                    {
                        "when": "Saturday, December 12, 9:00 AM",
                        "location_name": "Castle Island Flying Field",
                        "seats_left": 3,
                        "url": "/flights/9/",
                    }
                ],
            },
        ),
        CatalogEmail(
            name="waitlist_promoted",
            description="A seat opened up for someone on the waiting list.",
            sent_by="flights",
            sample_context={
                key: _SESSION[key] for key in ("user_name", "course_title", "session_when", "location", "session_url")
            }
            | {
                "confirm_by": "Thursday, December 3, 2026, 6:00 PM EST",
                "calendar_url": "{site}/flights/bookings/12/calendar.ics",
            },
        ),
        CatalogEmail(
            name="flight_refund_requested",
            description="To staff: a student of a scrubbed session asks for a refund of the practical.",
            sent_by="flights",
            sample_context={
                "student_full_name": "Sam Student",
                "student_email": "sam.student@example.com",
                "course_title": _SESSION["course_title"],
                "session_when": _SESSION["session_when"],
                "admin_url": "{site}/admin/flights/seatbooking/12/change/",
            },
        ),
        # -- admin: staff messages and Part 107 recurrent-training reminders
        CatalogEmail(
            name="bulk_message",
            description="A message staff wrote to the students of a course or a flight session.",
            sent_by="enrollments",
            transactional=False,
            sample_context={
                "user_name": "Sam",
                "subject": "Field change for Saturday",
                "body": "We fly at the north field this Saturday. Bring a charged battery.",
                "audience": "students of Part 107 Flight Practical",
            },
        ),
        CatalogEmail(
            name="recurrent_reminder",
            description="Part 107 recurrent training is due in 60 or 30 days (certificate date from My account).",
            sent_by="enrollments",
            transactional=False,
            sample_context={
                "user_name": "Sam",
                "deadline": "March 31, 2027",
                "days_left": "60",
                "course_title": "Part 107 Recurrent Training",
                "course_url": "{site}/courses/part-107-recurrent/",
                "account_url": "{site}/accounts/me/",
            },
        ),
    ]
}
